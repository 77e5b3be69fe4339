// libevdev (libevdev-dev) for keyboard-wedge scanners, plus the hidraw ioctls, which are
// function-like macros that Swift cannot call directly.
#include <libevdev/libevdev.h>
#include <libevdev/libevdev-uinput.h>
#include <linux/input.h>
#include <linux/hidraw.h>
#include <sys/ioctl.h>

/// HIDIOCGRDESC: the report descriptor, when sysfs does not offer it.
static inline int loyalgate_hidraw_descriptor(int fd, struct hidraw_report_descriptor *descriptor) {
    int size = 0;
    if (ioctl(fd, HIDIOCGRDESCSIZE, &size) < 0) return -1;
    if (size < 0 || size > HID_MAX_DESCRIPTOR_SIZE) return -1;
    descriptor->size = (unsigned int)size;
    return ioctl(fd, HIDIOCGRDESC, descriptor);
}

/// HIDIOCSFEATURE: sends a feature report (the first byte is the report ID).
static inline int loyalgate_hidraw_set_feature(int fd, unsigned char *report, unsigned long length) {
    return ioctl(fd, HIDIOCSFEATURE(length), report);
}
