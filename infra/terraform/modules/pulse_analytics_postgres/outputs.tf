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
  description = "Login the app connects as (PULSE_ANALYTICS_DB_USER)."
  value       = azurerm_postgresql_flexible_server.this.administrator_login
}

output "pulse_analytics_db_endpoint" {
  description = "host:port of the server."
  value       = "${azurerm_postgresql_flexible_server.this.fqdn}:${local.port}"
}

output "pulse_analytics_db_sslmode" {
  description = "sslmode the app must use (PULSE_ANALYTICS_DB_SSLMODE); the server rejects non-TLS connections."
  value       = "require"
}

output "pulse_analytics_db_password" {
  description = "Administrator password (PULSE_ANALYTICS_DB_PASSWORD)."
  value       = local.administrator_password
  sensitive   = true
}

output "pulse_analytics_database_url" {
  description = "Connection URL for PULSE_ANALYTICS_DATABASE_URL (password urlencoded, sslmode=require)."
  value       = local.database_url
  sensitive   = true
}

output "server_id" {
  description = "Resource id of the flexible server."
  value       = azurerm_postgresql_flexible_server.this.id
}

output "server_name" {
  description = "Name of the flexible server."
  value       = azurerm_postgresql_flexible_server.this.name
}

output "administrator_password_key_vault_secret_id" {
  description = "Versionless id of the Key Vault secret holding the admin password, or null without key_vault_id."
  value       = one(azurerm_key_vault_secret.administrator_password[*].versionless_id)
}

output "database_url_key_vault_secret_id" {
  description = "Versionless id of the Key Vault secret holding PULSE_ANALYTICS_DATABASE_URL (usable in an App Service Key Vault reference), or null without key_vault_id."
  value       = one(azurerm_key_vault_secret.database_url[*].versionless_id)
}
