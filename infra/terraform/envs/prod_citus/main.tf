# prod on Citus (Azure Cosmos DB for PostgreSQL): the scale-out target, applied only when the
# learner base outgrows one flexible server (infra/README.md "Moving to Citus", docs/citus.md).
# Coordinator plus two memory-optimized workers holding the learner shards, HA, delete lock.
terraform {
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.46"
    }
  }

  backend "azurerm" {
    key              = "pulse-analytics/prod_citus.tfstate"
    use_azuread_auth = true
  }
}

provider "azurerm" {
  subscription_id = var.site.subscription_id

  features {}
}

module "pulse_analytics_citus" {
  source = "../../modules/pulse_analytics_citus"

  name                = var.site.cluster_name
  resource_group_name = var.site.resource_group_name
  location            = var.site.location
  tags                = { environment = "prod" }

  postgres_version           = "16"
  citus_version              = "12.1"
  coordinator_server_edition = "GeneralPurpose"
  coordinator_vcores         = 8
  coordinator_storage_mb     = 524288
  node_count                 = 2
  node_server_edition        = "MemoryOptimized"
  node_vcores                = 8
  node_storage_mb            = 1048576
  high_availability_enabled  = true
  zone                       = "1"
  maintenance_window         = { day_of_week = 0, start_hour = 4, start_minute = 0 }
  delete_lock_enabled        = true

  private_endpoint_subnet_id = var.site.private_endpoint_subnet_id
  private_dns_zone_id        = var.site.private_dns_zone_id

  key_vault_id           = var.site.key_vault_id
  administrator_password = var.administrator_password
  app_login              = "pulse_app_a"
  app_password           = var.app_password
  app_password_version   = 1
}
