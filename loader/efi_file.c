/* Files from the volume the loader itself came from: LoadedImage →
 * DeviceHandle → SimpleFileSystem (UEFI 2.10 §9.1, §13.4). */
#include "efi_boot.h"

#define FILE_MAX	(64ULL << 20)

/* Our LoadedImage, looked up once (config path and volume both need it). */
static EFI_STATUS loaded_image(struct boot *b)
{
	EFI_STATUS st;

	if (b->li)
		return EFI_SUCCESS;
	st = FW(uefi_call_wrapper(BS->HandleProtocol, 3, b->image_handle,
				  &LoadedImageProtocol, (void **)&b->li));
	if (EFI_ERROR(st)) {
		b->li = NULL;
		return boot_fail(b, st, "no LoadedImage protocol on our own image (%s)",
				 efi_status_str(st));
	}
	return EFI_SUCCESS;
}

/* The volume's root, opened on the first file read and kept until
 * efi_close_volume: every read of the boot reuses it. */
static EFI_STATUS open_root(struct boot *b)
{
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS st;

	if (b->root)
		return EFI_SUCCESS;
	st = loaded_image(b);
	if (EFI_ERROR(st))
		return st;
	st = FW(uefi_call_wrapper(BS->HandleProtocol, 3, b->li->DeviceHandle,
				  &FileSystemProtocol, (void **)&fs));
	if (EFI_ERROR(st))
		return boot_fail(b, st, "the volume we were loaded from has no file system (%s)",
				 efi_status_str(st));
	st = FW(uefi_call_wrapper(fs->OpenVolume, 2, fs, &b->root));
	if (EFI_ERROR(st)) {
		b->root = NULL;
		return boot_fail(b, st, "cannot open our volume (%s)", efi_status_str(st));
	}
	return EFI_SUCCESS;
}

void efi_close_volume(struct boot *b)
{
	if (b->root)
		FW(uefi_call_wrapper(b->root->Close, 1, b->root));
	b->root = NULL;
}

/* EFI_FILE_INFO of f in pool memory (UEFI 2.10 §13.5.13: ask, then read). */
static EFI_FILE_INFO *file_info(EFI_FILE_HANDLE f)
{
	static EFI_GUID info_guid = EFI_FILE_INFO_ID;
	EFI_FILE_INFO *info = NULL;
	UINTN size = SIZE_OF_EFI_FILE_INFO + 256;

	for (int tries = 0; tries < 2; tries++) {
		if (EFI_ERROR(FW(uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, size,
						   (void **)&info))))
			return NULL;
		EFI_STATUS st = FW(uefi_call_wrapper(f->GetInfo, 4, f, &info_guid, &size, info));

		if (!EFI_ERROR(st))
			return info;
		FW(uefi_call_wrapper(BS->FreePool, 1, info));
		if (st != EFI_BUFFER_TOO_SMALL)
			return NULL;
	}
	return NULL;
}

/* Opens path for reading and checks it is a file of at most FILE_MAX
 * bytes: *f open, *len its size. Fails with one recorded line. */
static EFI_STATUS open_file(struct boot *b, const char *path, EFI_FILE_HANDLE *f, UINTN *len)
{
	EFI_FILE_INFO *info;
	CHAR16 wpath[CFG_PATH_MAX];
	UINTN n;
	EFI_STATUS st;

	for (n = 0; path[n] && n + 1 < CFG_PATH_MAX; n++)
		wpath[n] = (CHAR16)(unsigned char)path[n];
	wpath[n] = 0;
	st = open_root(b);
	if (EFI_ERROR(st))
		return st;
	st = FW(uefi_call_wrapper(b->root->Open, 5, b->root, f, wpath, EFI_FILE_MODE_READ, 0ULL));
	if (st == EFI_NOT_FOUND)
		return boot_fail(b, st, "%s: not found on the boot volume", path);
	if (EFI_ERROR(st))
		return boot_fail(b, st, "%s: cannot open (%s)", path, efi_status_str(st));

	info = file_info(*f);
	if (!info) {
		FW(uefi_call_wrapper((*f)->Close, 1, *f));
		return boot_fail(b, EFI_DEVICE_ERROR, "%s: cannot read file info", path);
	}
	*len = info->FileSize;
	if (info->Attribute & EFI_FILE_DIRECTORY)
		st = boot_fail(b, EFI_LOAD_ERROR, "%s: is a directory", path);
	else if (info->FileSize > FILE_MAX)
		st = boot_fail(b, EFI_LOAD_ERROR, "%s: larger than %lu MiB", path,
			       (unsigned long)(FILE_MAX >> 20));
	FW(uefi_call_wrapper(BS->FreePool, 1, info));
	if (EFI_ERROR(st))
		FW(uefi_call_wrapper((*f)->Close, 1, *f));
	return st;
}

/* Reads the whole open file f (len bytes) into buf and closes it. */
static EFI_STATUS read_all(struct boot *b, const char *path, EFI_FILE_HANDLE f, UINTN len,
			   void *buf)
{
	UINTN n = len;
	EFI_STATUS st;

	st = FW(uefi_call_wrapper(f->Read, 3, f, &n, buf));
	FW(uefi_call_wrapper(f->Close, 1, f));
	if (EFI_ERROR(st) || n != len)
		return boot_fail(b, EFI_ERROR(st) ? st : EFI_DEVICE_ERROR,
				 "%s: read %lu of %lu bytes (%s)", path, (uint64_t)n,
				 (uint64_t)len, efi_status_str(st));
	return EFI_SUCCESS;
}

EFI_STATUS efi_file_read(struct boot *b, const char *path, void **buf, UINTN *size)
{
	EFI_FILE_HANDLE f;
	UINTN len;
	EFI_STATUS st;

	st = open_file(b, path, &f, &len);
	if (EFI_ERROR(st))
		return st;
	st = FW(uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, len ? len : 1, buf));
	if (EFI_ERROR(st)) {
		FW(uefi_call_wrapper(f->Close, 1, f));
		return boot_fail(b, st, "%s: no memory for %lu bytes", path, (uint64_t)len);
	}
	st = read_all(b, path, f, len, *buf);
	if (EFI_ERROR(st)) {
		FW(uefi_call_wrapper(BS->FreePool, 1, *buf));
		*buf = NULL;
		return st;
	}
	*size = len;
	return EFI_SUCCESS;
}

EFI_STATUS efi_file_read_pages(struct boot *b, const char *path, UINT32 type, const char *what,
			       uint64_t *pa, UINTN *size)
{
	EFI_FILE_HANDLE f;
	UINTN len;
	EFI_STATUS st;

	st = open_file(b, path, &f, &len);
	if (EFI_ERROR(st))
		return st;
	st = efi_alloc_pages(b, type, (len + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE + !len, 0, pa, what);
	if (EFI_ERROR(st)) {
		FW(uefi_call_wrapper(f->Close, 1, f));
		return st;
	}
	st = read_all(b, path, f, len, (void *)(UINTN)*pa);
	if (EFI_ERROR(st)) {
		FW(uefi_call_wrapper(BS->FreePages, 2, *pa, (len + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE + !len));
		return st;
	}
	*size = len;
	return EFI_SUCCESS;
}

/* "<dir of our own image>\hvboot.cfg" from LoadedImage->FilePath (its
 * File Path Media nodes, UEFI 2.10 §10.3.5.4), or "" if there is none. */
void efi_own_dir(struct boot *b, char *out, UINTN cap)
{
	static const char leaf[] = "hvboot.cfg";
	EFI_DEVICE_PATH *dp;
	UINTN n = 0, slash = 0;

	out[0] = 0;
	if (EFI_ERROR(loaded_image(b)) || !b->li->FilePath) {
		b->msg[0] = 0;		/* no own directory: not an error */
		return;
	}
	for (dp = b->li->FilePath; !(DevicePathType(dp) == END_DEVICE_PATH_TYPE && DevicePathSubType(dp) == END_ENTIRE_DEVICE_PATH_SUBTYPE); dp = (EFI_DEVICE_PATH *)((UINT8 *)dp + DevicePathNodeLength(dp))) {
		UINTN len = DevicePathNodeLength(dp);
		const CHAR16 *name = (const CHAR16 *)((UINT8 *)dp + 4);

		if (len < 4)
			return;
		if (DevicePathType(dp) != MEDIA_DEVICE_PATH || DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		if (n && out[n - 1] != '\\' && n + 1 < cap)
			out[n++] = '\\';
		for (UINTN i = 0; i < (len - 4) / 2 && name[i]; i++) {
			if (name[i] > 0x7E || n + 1 >= cap)
				return (void)(out[0] = 0);
			out[n++] = name[i] == '/' ? '\\' : (char)name[i];
		}
	}
	for (UINTN i = 0; i < n; i++)
		if (out[i] == '\\')
			slash = i + 1;
	if (!slash || slash + sizeof(leaf) > cap)
		return (void)(out[0] = 0);
	__builtin_memcpy(out + slash, leaf, sizeof(leaf));
}
