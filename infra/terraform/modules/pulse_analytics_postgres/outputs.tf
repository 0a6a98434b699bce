# What the app reads. No output carries a password: the app's full URL lives only in Key Vault.

output "pulse_analytics_db_host" {
  description = "Server FQDN (PULSE_ANALYTICS_DB_HOST). Resolves privately in private mode."
  value       = azurerm_postgresql_flexible_server.this.fqdn
}

output "pulse_analytics_db_port" {
  description = "Server port (PULSE_ANALYTICS_DB_PORT)."
  value       = local.port
}

output "pulse_analytics_db_name" {
  description = "Database name (PULSE_ANALYTICS_DB_NAME)."
  value       = azurerm_postgresql_flexible_server_database.this.name
}

output "pulse_analytics_db_user" {
  description = "Login the app connects as (PULSE_ANALYTICS_DB_USER): the application login, not the administrator."
  value       = var.app_login
}

output "pulse_analytics_db_endpoint" {
  description = "host:port of the server."
  value       = "${azurerm_postgresql_flexible_server.this.fqdn}:${local.port}"
}

output "pulse_analytics_db_sslmode" {
  description = "sslmode the app uses (PULSE_ANALYTICS_DB_SSLMODE): the certificate chain and host name are verified."
  value       = "verify-full"
}

output "database_url_key_vault_secret_id" {
  description = "Versionless id of the Key Vault secret holding PULSE_ANALYTICS_DATABASE_URL (for an App Service / Container Apps Key Vault reference)."
  value       = azurerm_key_vault_secret.database_url.versionless_id
}

output "administrator_login" {
  description = "Administrator login, for the one-time bootstrap of the application login and for operations."
  value       = azurerm_postgresql_flexible_server.this.administrator_login
}

output "app_owner_role" {
  description = "NOLOGIN role that owns schema analytics; every application login is a member of it."
  value       = var.app_owner_role
}

output "server_id" {
  description = "Resource id of the flexible server."
  value       = azurerm_postgresql_flexible_server.this.id
}

output "server_name" {
  description = "Name of the flexible server."
  value       = azurerm_postgresql_flexible_server.this.name
}
