# prod: General Purpose, zone-redundant HA, geo-redundant backups, 35 days retention, delete lock.
# Sizing is written here as literals so dev, staging and prod can be compared side by side;
# variables.tf holds only site-specific ids and secrets.
terraform {
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.46"
    }
  }

  # Storage account and container come from -backend-config (infra/README.md). State is read
  # and written with the caller's Entra ID identity, never with a storage account key.
  backend "azurerm" {
    key              = "pulse-analytics/prod.tfstate"
    use_azuread_auth = true
  }
}

provider "azurerm" {
  subscription_id = var.site.subscription_id

  features {}
}

module "pulse_analytics_postgres" {
  source = "../../modules/pulse_analytics_postgres"

  name                = var.site.server_name
  resource_group_name = var.site.resource_group_name
  location            = var.site.location
  tags                = { environment = "prod" }

  sku_name                     = "GP_Standard_D4ds_v5"
  storage_mb                   = 262144
  storage_auto_grow_enabled    = true
  postgres_version             = "16"
  zone                         = "1"
  backup_retention_days        = 35
  geo_redundant_backup_enabled = true
  high_availability_enabled    = true
  standby_availability_zone    = "2"
  maintenance_window           = { day_of_week = 0, start_hour = 4, start_minute = 0 }
  delete_lock_enabled          = true

  network_mode        = "private"
  delegated_subnet_id = var.site.delegated_subnet_id
  private_dns_zone_id = var.site.private_dns_zone_id
  firewall_rules      = var.site.firewall_rules

  key_vault_id               = var.site.key_vault_id
  log_analytics_workspace_id = var.site.log_analytics_workspace_id
  action_group_id            = var.site.action_group_id
  entra_administrator        = var.site.entra_administrator

  # Rotation (infra/README.md): raise a version together with the new password; switch
  # app_login between pulse_app_a and pulse_app_b so the old login works until cut-over.
  administrator_password         = var.administrator_password
  administrator_password_version = 1
  app_login                      = "pulse_app_a"
  app_password                   = var.app_password
  app_password_version           = 1
}
