#pragma once

#include <span>
#include <string>
#include <string_view>

#include "net/form_data.hpp"

namespace salon::net {

enum class signature_check {
  valid,
  no_auth_token,       // no Auth Token configured: nothing can be verified, so nothing passes
  missing_signature,   // no (or an empty) X-Twilio-Signature header
  mismatch,            // the signature is not Twilio's for this URL and these parameters
  body_hash_missing,   // JSON request whose URL carries no bodySHA256 query parameter
  body_hash_mismatch,  // JSON request whose body is not the one Twilio hashed
};

std::string_view to_string(signature_check check) noexcept;

// The string Twilio signs: the URL, then each parameter as name followed by value, no
// separators, sorted by name and then by value in byte order. A pair sent twice counts once, as
// in Twilio's own libraries (the repeated-key test vector depends on it).
std::string signature_payload(std::string_view url, std::span<const form_field> params);

// base64(HMAC-SHA1(auth_token, signature_payload(url, params))): the X-Twilio-Signature
// Twilio sends. Our simulated callers sign their requests with it.
std::string sign(std::string_view auth_token, std::string_view url,
                 std::span<const form_field> params = {});

// The checks below compare in constant time and also accept the URL with the scheme's default
// port (443 for https/wss, 80 for http/ws) added or removed, as Twilio's libraries do. `url` is
// the public URL Twilio requested (scheme, host, path, query), never one rebuilt from the socket.

// Form-encoded webhooks: every decoded POST parameter is signed.
signature_check check_form_request(std::string_view auth_token, std::string_view url,
                                   std::span<const form_field> params, std::string_view signature);

// JSON bodies: the signature covers the URL only, and the URL's bodySHA256 query parameter
// must be the hex SHA-256 of the raw body.
signature_check check_json_request(std::string_view auth_token, std::string_view url,
                                   std::string_view raw_body, std::string_view signature);

// ConversationRelay WebSocket upgrade: the signed string is the `wss://` URL from the TwiML
// (query included), with no parameters.
signature_check check_websocket_upgrade(std::string_view auth_token, std::string_view url,
                                        std::string_view signature);

// Lower-case hex SHA-256, as in bodySHA256.
std::string sha256_hex(std::string_view data);

// `url` with `bodySHA256=<hash of body>` appended to its query, as Twilio builds JSON requests.
std::string url_with_body_hash(std::string_view url, std::string_view body);

}  // namespace salon::net
