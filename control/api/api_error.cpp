#include "control/api/api_error.hpp"

#include <boost/json.hpp>

namespace dialcore::control::api {

namespace json = boost::json;

ApiResponse json_response(unsigned status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ApiResponse error_response(unsigned status, std::string_view code, std::string_view message,
                           const std::vector<agents::FieldError>& fields) {
  json::object err{{"code", code}, {"message", message}};
  if (!fields.empty()) {
    json::array list;
    for (const auto& f : fields)
      list.push_back(json::object{{"field", f.field}, {"message", f.message}});
    err["fields"] = std::move(list);
  }
  return json_response(status, json::serialize(json::object{{"error", std::move(err)}}));
}

bool is_store_failure(store::Errc code) {
  using store::Errc;
  return code == Errc::Busy || code == Errc::Full || code == Errc::Io || code == Errc::Corrupt ||
         code == Errc::TooNew;
}

namespace {
unsigned status_of(store::Errc code) {
  using store::Errc;
  switch (code) {
    case Errc::NotFound: return 404;
    case Errc::Conflict:
    case Errc::Duplicate:
    case Errc::Constraint: return 409;
    case Errc::Invalid: return 422;
    case Errc::Busy: return 503;
    case Errc::Full: return 507;
    case Errc::Io:
    case Errc::Corrupt:
    case Errc::TooNew: return 500;
  }
  return 500;
}
}  // namespace

ApiResponse from_error(const store::Error& e) {
  return error_response(status_of(e.code), store::to_string(e.code), e.message);
}

ApiResponse from_error(const agents::AgentError& e) {
  if (e.code == store::Errc::Invalid) {
    return error_response(422, "validation_failed", e.message, e.fields);
  }
  return error_response(status_of(e.code), store::to_string(e.code), e.message, e.fields);
}

}  // namespace dialcore::control::api
