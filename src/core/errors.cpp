#include "core/errors.hpp"

namespace planetude::errors {

DomainError not_found() { return {ErrorKind::not_found, "not_found", "Ressource introuvable."}; }

DomainError unauthenticated(std::string message) {
  return {ErrorKind::unauthenticated, "unauthenticated", std::move(message)};
}

DomainError token_expired() {
  return {ErrorKind::unauthenticated, "token_expired", "Votre session a expiré, reconnectez-vous."};
}

DomainError invalid_credentials() {
  return {ErrorKind::unauthenticated, "invalid_credentials", "Adresse e-mail ou mot de passe incorrect."};
}

DomainError invalid_json(std::string message) { return {ErrorKind::invalid_input, "invalid_json", std::move(message)}; }

RuleBroken validation(std::vector<FieldError> details) {
  std::string message = "Données invalides.";
  if (!details.empty()) {
    const auto& first = details.front();
    message = first.path.empty() ? "Le corps de la requête " + first.message + "."
                                 : "Le champ « " + first.path + " » " + first.message + ".";
    if (details.size() > 1) message += " (" + std::to_string(details.size() - 1) + " autre(s) problème(s))";
  }
  return {"validation_failed", std::move(message), std::move(details)};
}

DomainError conflict(std::string code, std::string message) {
  return {ErrorKind::conflict, std::move(code), std::move(message)};
}

DomainError unavailable(std::string code, std::string message) {
  return {ErrorKind::unavailable, std::move(code), std::move(message)};
}

DomainError internal() { return {ErrorKind::internal, "internal", "Erreur interne du serveur. Réessayez plus tard."}; }

}  // namespace planetude::errors
