# Azure Cosmos DB for PostgreSQL (Citus): the scale-out target of the analytics database.
# The app's tables are distributed by user_id (docs/citus.md); the app reads the same
# outputs as from the flexible-server module.

locals {
  port = 5432
  # Cosmos DB for PostgreSQL fixes the database and administrator names.
  database_name       = "citus"
  administrator_login = "citus"
  is_private          = var.private_endpoint_subnet_id != null

  coordinator_fqdn = one(distinct([
    for s in azurerm_cosmosdb_postgresql_cluster.this.servers : s.fqdn if endswith(s.name, "-c") || startswith(s.fqdn, "c-")
  ]))

  # Ephemeral (built from the write-only app password): it only ever reaches Key Vault.
  app_database_url = "postgres://${urlencode(var.app_login)}:${urlencode(var.app_password)}@${local.coordinator_fqdn}:${local.port}/${local.database_name}?sslmode=verify-full"

  tags = merge(var.tags, {
    workload  = "pulse-analytics"
    component = "analytics-citus"
    managedBy = "terraform"
  })
}

resource "azurerm_cosmosdb_postgresql_cluster" "this" {
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = local.tags

  sql_version   = var.postgres_version
  citus_version = var.citus_version

  # The provider has no write-only argument for this password: it is stored in state.
  # Reset it outside Terraform after creation (infra/README.md); the new value is ignored here.
  administrator_login_password = var.administrator_password

  coordinator_server_edition      = var.coordinator_server_edition
  coordinator_vcore_count         = var.coordinator_vcores
  coordinator_storage_quota_in_mb = var.coordinator_storage_mb

  node_count                    = var.node_count
  node_server_edition           = var.node_server_edition
  node_vcores                   = var.node_vcores
  node_storage_quota_in_mb      = var.node_storage_mb
  shards_on_coordinator_enabled = var.node_count == 0

  ha_enabled             = var.high_availability_enabled
  preferred_primary_zone = var.zone

  coordinator_public_ip_access_enabled = !local.is_private
  node_public_ip_access_enabled        = false

  maintenance_window {
    day_of_week  = var.maintenance_window.day_of_week
    start_hour   = var.maintenance_window.start_hour
    start_minute = var.maintenance_window.start_minute
  }

  lifecycle {
    # Delete guard, as on the flexible server: a plan that would replace or destroy the
    # cluster fails. Lift it only as infra/README.md describes.
    prevent_destroy = true
    ignore_changes  = [administrator_login_password]
  }
}

resource "azurerm_cosmosdb_postgresql_firewall_rule" "this" {
  for_each = { for name, rule in var.firewall_rules : name => rule if !local.is_private }

  name             = each.key
  cluster_id       = azurerm_cosmosdb_postgresql_cluster.this.id
  start_ip_address = each.value.start_ip_address
  end_ip_address   = each.value.end_ip_address
}

# Private mode: the coordinator is reached through a private endpoint in the app's VNet.
resource "azurerm_private_endpoint" "this" {
  count = local.is_private ? 1 : 0

  name                = "${var.name}-coordinator"
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = var.private_endpoint_subnet_id
  tags                = local.tags

  private_service_connection {
    name                           = "${var.name}-coordinator"
    private_connection_resource_id = azurerm_cosmosdb_postgresql_cluster.this.id
    subresource_names              = ["coordinator"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "citus"
    private_dns_zone_ids = [var.private_dns_zone_id]
  }

  lifecycle {
    precondition {
      condition     = var.private_dns_zone_id != null
      error_message = "private_endpoint_subnet_id needs private_dns_zone_id (privatelink.postgres.cosmos.azure.com)."
    }
  }
}

resource "azurerm_management_lock" "this" {
  count = var.delete_lock_enabled ? 1 : 0

  name       = "${var.name}-cannot-delete"
  scope      = azurerm_cosmosdb_postgresql_cluster.this.id
  lock_level = "CanNotDelete"
  notes      = "Holds every PULSE learner's history. See infra/README.md before removing this lock."
}

resource "azurerm_key_vault_secret" "database_url" {
  name             = var.database_url_secret_name
  value_wo         = local.app_database_url
  value_wo_version = var.app_password_version
  key_vault_id     = var.key_vault_id
  content_type     = "PULSE_ANALYTICS_DATABASE_URL"
  tags             = local.tags
}
