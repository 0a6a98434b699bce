locals {
  # Ephemeral (built from the write-only app password): it only ever reaches Key Vault.
  # verify-full: TLS with the certificate chain and host name checked (see infra/README.md).
  app_database_url = "postgres://${urlencode(var.app_login)}:${urlencode(var.app_password)}@${azurerm_postgresql_flexible_server.this.fqdn}:${local.port}/${azurerm_postgresql_flexible_server_database.this.name}?sslmode=verify-full"
}

# Written with value_wo: Key Vault keeps the value, Terraform state and plan files do not. A
# new value is written only when app_password_version changes. The deploying identity needs
# "Key Vault Secrets Officer" (or set permission) on the vault. The passwords themselves are
# kept in the vault by operators (infra/README.md) and passed in as ephemeral inputs.
resource "azurerm_key_vault_secret" "database_url" {
  name             = var.database_url_secret_name
  value_wo         = local.app_database_url
  value_wo_version = var.app_password_version
  key_vault_id     = var.key_vault_id
  content_type     = "PULSE_ANALYTICS_DATABASE_URL"
  tags             = local.tags
}
