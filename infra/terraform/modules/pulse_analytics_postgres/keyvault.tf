locals {
  database_url = "postgres://${urlencode(var.administrator_login)}:${urlencode(local.administrator_password)}@${azurerm_postgresql_flexible_server.this.fqdn}:${local.port}/${azurerm_postgresql_flexible_server_database.this.name}?sslmode=require"
}

# Secrets land in Key Vault (never in the repo) when a vault is given. The
# deploying identity needs permission to set secrets in that vault.
resource "azurerm_key_vault_secret" "administrator_password" {
  count = var.key_vault_id == null ? 0 : 1

  name         = var.administrator_password_secret_name
  value        = local.administrator_password
  key_vault_id = var.key_vault_id
  content_type = "password"
  tags         = local.tags
}

resource "azurerm_key_vault_secret" "database_url" {
  count = var.key_vault_id == null ? 0 : 1

  name         = var.database_url_secret_name
  value        = local.database_url
  key_vault_id = var.key_vault_id
  content_type = "PULSE_ANALYTICS_DATABASE_URL"
  tags         = local.tags
}
