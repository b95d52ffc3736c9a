#pragma once
// A sensor's own attributes carried from its DICOM file into the object sent
// to the archive (docs/dicom.md, "From a DICOM file"): internal to engine/dicom.
#include "engine/dicom/dicom_object.h"

class DcmDataset;

namespace cs::dicom {

// Copies onto `out` the attributes of passed_through_attributes() that
// `source` holds with a valid value (text as UTF-8), those for X-rays only
// into an X-ray class, and the source's Modality when `klass` allows it.
// Nothing of the patient, study, series or instance is ever read from `source`.
void pass_through(DcmDataset& source, DcmDataset& out, const ImageClass& klass);

}  // namespace cs::dicom
