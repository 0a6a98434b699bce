# Environment roots are identical; environments differ only in the defaults in
# variables.tf and the values in terraform.tfvars.
provider "azurerm" {
  # null falls back to ARM_SUBSCRIPTION_ID.
  subscription_id = var.subscription_id

  features {}
}

module "pulse_analytics_postgres" {
  source = "../../modules/pulse_analytics_postgres"

  name                = var.server_name
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = merge(var.tags, { environment = var.environment })

  sku_name         = var.sku_name
  storage_mb       = var.storage_mb
  postgres_version = var.postgres_version
  zone             = var.zone

  administrator_login    = var.administrator_login
  administrator_password = var.administrator_password

  backup_retention_days        = var.backup_retention_days
  geo_redundant_backup_enabled = var.geo_redundant_backup_enabled
  high_availability_enabled    = var.high_availability_enabled
  standby_availability_zone    = var.standby_availability_zone
  maintenance_window           = var.maintenance_window

  network_mode        = var.network_mode
  delegated_subnet_id = var.delegated_subnet_id
  private_dns_zone_id = var.private_dns_zone_id
  firewall_rules      = var.firewall_rules

  # When set, the admin password and the connection URL are stored as secrets
  # (pulse-analytics-db-admin-password, pulse-analytics-database-url).
  key_vault_id = var.key_vault_id
}
