output "pulse_analytics_db_host" {
  description = "PULSE_ANALYTICS_DB_HOST."
  value       = module.pulse_analytics_postgres.pulse_analytics_db_host
}

output "pulse_analytics_db_port" {
  description = "PULSE_ANALYTICS_DB_PORT."
  value       = module.pulse_analytics_postgres.pulse_analytics_db_port
}

output "pulse_analytics_db_name" {
  description = "PULSE_ANALYTICS_DB_NAME."
  value       = module.pulse_analytics_postgres.pulse_analytics_db_name
}

output "pulse_analytics_db_user" {
  description = "PULSE_ANALYTICS_DB_USER."
  value       = module.pulse_analytics_postgres.pulse_analytics_db_user
}

output "pulse_analytics_db_endpoint" {
  description = "host:port of the analytics database server."
  value       = module.pulse_analytics_postgres.pulse_analytics_db_endpoint
}

output "pulse_analytics_db_sslmode" {
  description = "PULSE_ANALYTICS_DB_SSLMODE."
  value       = module.pulse_analytics_postgres.pulse_analytics_db_sslmode
}

output "pulse_analytics_db_password" {
  description = "PULSE_ANALYTICS_DB_PASSWORD."
  value       = module.pulse_analytics_postgres.pulse_analytics_db_password
  sensitive   = true
}

output "pulse_analytics_database_url" {
  description = "PULSE_ANALYTICS_DATABASE_URL (read with terraform output -raw pulse_analytics_database_url)."
  value       = module.pulse_analytics_postgres.pulse_analytics_database_url
  sensitive   = true
}

output "server_id" {
  description = "Resource id of the flexible server."
  value       = module.pulse_analytics_postgres.server_id
}

output "server_name" {
  description = "Name of the flexible server."
  value       = module.pulse_analytics_postgres.server_name
}

output "administrator_password_key_vault_secret_id" {
  description = "Versionless Key Vault secret id of the admin password (null without key_vault_id)."
  value       = module.pulse_analytics_postgres.administrator_password_key_vault_secret_id
}

output "database_url_key_vault_secret_id" {
  description = "Versionless Key Vault secret id of PULSE_ANALYTICS_DATABASE_URL (null without key_vault_id)."
  value       = module.pulse_analytics_postgres.database_url_key_vault_secret_id
}
