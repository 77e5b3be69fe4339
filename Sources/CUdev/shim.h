// libudev, found through pkg-config (libudev-dev): device enumeration and the hotplug monitor.
#include <libudev.h>
