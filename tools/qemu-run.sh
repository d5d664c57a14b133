#!/bin/bash
# `make run`: boots the ESP in QEMU + OVMF, serial console on this terminal.
exec /usr/bin/python3 "$(dirname "$0")/hvqemu.py" "$@"
