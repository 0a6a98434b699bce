locals {
  is_private    = var.network_mode == "private"
  entra_enabled = var.entra_administrator != null
  port          = 5432

  # The migrations create no extension (gen_random_uuid() is built into PostgreSQL 13+), so
  # nothing is allow-listed unless additional_extensions asks for it.
  allowed_extensions = distinct([for e in var.additional_extensions : upper(e)])

  # TLS-only is merged last so it always wins. (A for-filter, not `cond ? {} : {...}`: the two
  # branches of a conditional must have the same object type.)
  server_parameters = merge(
    var.server_parameters,
    { for name, value in { "azure.extensions" = join(",", local.allowed_extensions) } : name => value if length(local.allowed_extensions) > 0 },
    { "require_secure_transport" = "on" },
  )

  tags = merge(var.tags, {
    workload  = "pulse-analytics"
    component = "analytics-postgres"
    managedBy = "terraform"
  })
}

data "azurerm_client_config" "current" {}

resource "azurerm_postgresql_flexible_server" "this" {
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  version             = var.postgres_version
  sku_name            = var.sku_name
  storage_mb          = var.storage_mb
  storage_tier        = var.storage_tier
  auto_grow_enabled   = var.storage_auto_grow_enabled
  zone                = var.zone
  tags                = local.tags

  # Write-only: sent to Azure when the version changes, never stored in state or plan.
  administrator_login               = var.administrator_login
  administrator_password_wo         = var.administrator_password
  administrator_password_wo_version = var.administrator_password_version

  backup_retention_days        = var.backup_retention_days
  geo_redundant_backup_enabled = var.geo_redundant_backup_enabled

  delegated_subnet_id           = local.is_private ? var.delegated_subnet_id : null
  private_dns_zone_id           = local.is_private ? var.private_dns_zone_id : null
  public_network_access_enabled = !local.is_private

  authentication {
    # The app logs in with a password (its own login, not the administrator's).
    password_auth_enabled         = true
    active_directory_auth_enabled = local.entra_enabled
    tenant_id                     = local.entra_enabled ? data.azurerm_client_config.current.tenant_id : null
  }

  dynamic "high_availability" {
    for_each = var.high_availability_enabled ? [var.high_availability_mode] : []

    content {
      mode                      = high_availability.value
      standby_availability_zone = high_availability.value == "ZoneRedundant" ? var.standby_availability_zone : null
    }
  }

  dynamic "maintenance_window" {
    for_each = var.maintenance_window == null ? [] : [var.maintenance_window]

    content {
      day_of_week  = maintenance_window.value.day_of_week
      start_hour   = maintenance_window.value.start_hour
      start_minute = maintenance_window.value.start_minute
    }
  }

  lifecycle {
    # Delete guard. Name, network mode, subnet, admin login, geo-redundant backups, a lower
    # version or a smaller storage_mb (also after auto-grow) make Terraform plan a replacement,
    # i.e. a new empty server: with this the plan fails instead. It must stay a literal;
    # infra/README.md ("Lifting the delete guard") says how to remove a server on purpose.
    prevent_destroy = true

    # After a failover Azure swaps primary and standby zones; do not swap them back.
    ignore_changes = [
      zone,
      high_availability[0].standby_availability_zone,
    ]

    precondition {
      condition     = !local.is_private || (var.delegated_subnet_id != null && var.private_dns_zone_id != null)
      error_message = "network_mode = \"private\" needs both delegated_subnet_id and private_dns_zone_id."
    }

    precondition {
      condition     = local.is_private || (var.delegated_subnet_id == null && var.private_dns_zone_id == null)
      error_message = "network_mode = \"public\" must not set delegated_subnet_id or private_dns_zone_id."
    }

    precondition {
      condition     = !var.high_availability_enabled || !startswith(var.sku_name, "B_")
      error_message = "High availability is not available on the Burstable tier; use a GP_ or MO_ sku_name."
    }

    precondition {
      condition     = !(var.high_availability_enabled && var.high_availability_mode == "ZoneRedundant" && var.zone != null && var.zone == var.standby_availability_zone)
      error_message = "With ZoneRedundant high availability, standby_availability_zone must differ from zone."
    }
  }
}

resource "azurerm_postgresql_flexible_server_database" "this" {
  name      = var.database_name
  server_id = azurerm_postgresql_flexible_server.this.id
  charset   = "UTF8"
  collation = "en_US.utf8"

  lifecycle {
    # Dropping the database drops every learner's history; see the server's delete guard.
    prevent_destroy = true
  }
}

# Server parameters: TLS-only connections, plus any extensions asked for.
resource "azurerm_postgresql_flexible_server_configuration" "this" {
  for_each = local.server_parameters

  name      = each.key
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = each.value
}

# A second guard outside Terraform: Azure refuses to delete a locked server, whoever asks
# (portal, CLI, another Terraform state). It also blocks deleting the server's child
# resources such as firewall rules; remove the lock first for those changes.
resource "azurerm_management_lock" "this" {
  count = var.delete_lock_enabled ? 1 : 0

  name       = "${var.name}-cannot-delete"
  scope      = azurerm_postgresql_flexible_server.this.id
  lock_level = "CanNotDelete"
  notes      = "Holds every PULSE learner's history. See infra/README.md before removing this lock."
}

# Optional Entra ID sign-in for people and workloads; the admin group or principal given here
# can then create Entra roles with pgaadauth_create_principal().
resource "azurerm_postgresql_flexible_server_active_directory_administrator" "this" {
  count = local.entra_enabled ? 1 : 0

  server_name         = azurerm_postgresql_flexible_server.this.name
  resource_group_name = var.resource_group_name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  object_id           = var.entra_administrator.object_id
  principal_name      = var.entra_administrator.principal_name
  principal_type      = var.entra_administrator.principal_type
}
