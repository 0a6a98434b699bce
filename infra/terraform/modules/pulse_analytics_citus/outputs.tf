# The same names as the flexible-server module, so the app's wiring does not change.

output "pulse_analytics_db_host" {
  description = "Coordinator FQDN (PULSE_ANALYTICS_DB_HOST); the app only ever talks to the coordinator."
  value       = local.coordinator_fqdn
}

output "pulse_analytics_db_port" {
  description = "Coordinator port (PULSE_ANALYTICS_DB_PORT)."
  value       = local.port
}

output "pulse_analytics_db_name" {
  description = "Database name (PULSE_ANALYTICS_DB_NAME); Cosmos DB for PostgreSQL always uses citus."
  value       = local.database_name
}

output "pulse_analytics_db_user" {
  description = "Login the app connects as (PULSE_ANALYTICS_DB_USER)."
  value       = var.app_login
}

output "pulse_analytics_db_endpoint" {
  description = "host:port of the coordinator."
  value       = "${local.coordinator_fqdn}:${local.port}"
}

output "pulse_analytics_db_sslmode" {
  description = "sslmode the app uses (PULSE_ANALYTICS_DB_SSLMODE)."
  value       = "verify-full"
}

output "database_url_key_vault_secret_id" {
  description = "Versionless id of the Key Vault secret holding PULSE_ANALYTICS_DATABASE_URL."
  value       = azurerm_key_vault_secret.database_url.versionless_id
}

output "administrator_login" {
  description = "Administrator login (always citus), for the bootstrap of the application login."
  value       = local.administrator_login
}

output "app_owner_role" {
  description = "NOLOGIN role that owns schema analytics."
  value       = var.app_owner_role
}

output "cluster_id" {
  description = "Resource id of the cluster."
  value       = azurerm_cosmosdb_postgresql_cluster.this.id
}
