#pragma once

#include <string>

namespace salon::actors {

// A fresh random (version 4) UUID for an appointment, made before the insert so that a retry of
// the same booking is recognized by the database instead of stored twice.
std::string new_appointment_id();

}  // namespace salon::actors
