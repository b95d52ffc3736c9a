/* stb_image and stb_image_resize, compiled from Debian's libstb-dev headers
 * with the fuzzer's instrumentation (the main build links Debian's libstb). */
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_resize.h>
