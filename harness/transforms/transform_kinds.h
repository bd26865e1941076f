/* The transform functions behind eb_transform_kinds (internal). */
#ifndef EB_TRANSFORM_KINDS_H
#define EB_TRANSFORM_KINDS_H

#include "harness/transforms/transform.h"

#define EB_TF_FN(name)                                                                       \
    void eb_tf_##name(const eb_transform *t, const double *p, eb_image *img, eb_rng *rng,   \
                      float *scratch)
EB_TF_FN(noise);
EB_TF_FN(salt_pepper);
EB_TF_FN(dead_pixels);
EB_TF_FN(brightness);
EB_TF_FN(contrast);
EB_TF_FN(bit_depth);
EB_TF_FN(blur);
EB_TF_FN(occlusion);
EB_TF_FN(rotate);
EB_TF_FN(translate);
#undef EB_TF_FN

#endif
