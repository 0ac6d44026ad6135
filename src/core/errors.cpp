#include "core/errors.hpp"

namespace planetude::errors {

ApiError not_found() { return {404, "not_found", "Ressource introuvable."}; }

ApiError unauthenticated(std::string message) { return {401, "unauthenticated", std::move(message)}; }

ApiError token_expired() { return {401, "token_expired", "Votre session a expiré, reconnectez-vous."}; }

ApiError invalid_credentials() { return {401, "invalid_credentials", "Adresse e-mail ou mot de passe incorrect."}; }

ApiError invalid_json(std::string message) { return {400, "invalid_json", std::move(message)}; }

ApiError validation(std::vector<FieldError> details) {
  std::string message = "Données invalides.";
  if (!details.empty()) {
    const auto& first = details.front();
    message = first.path.empty() ? "Le corps de la requête " + first.message + "."
                                 : "Le champ « " + first.path + " » " + first.message + ".";
    if (details.size() > 1) message += " (" + std::to_string(details.size() - 1) + " autre(s) problème(s))";
  }
  return {400, "validation_failed", std::move(message), std::move(details)};
}

ApiError conflict(std::string code, std::string message) { return {409, std::move(code), std::move(message)}; }

ApiError internal() { return {500, "internal", "Erreur interne du serveur. Réessayez plus tard."}; }

}  // namespace planetude::errors
