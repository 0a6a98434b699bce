locals {
  is_private = var.network_mode == "private"
  port       = 5432

  # The app's migrations create pgcrypto; Azure only lets allow-listed extensions be created.
  allowed_extensions = distinct(concat(["PGCRYPTO"], [for e in var.additional_extensions : upper(e)]))

  # The two parameters the app relies on are merged last so they always win.
  server_parameters = merge(var.server_parameters, {
    "azure.extensions"         = join(",", local.allowed_extensions)
    "require_secure_transport" = "on"
  })

  # Either the caller's password or the generated one; never a literal in the repo.
  administrator_password = var.administrator_password != null ? var.administrator_password : one(random_password.administrator[*].result)

  tags = merge(var.tags, {
    workload  = "pulse-analytics"
    component = "analytics-postgres"
    managedBy = "terraform"
  })
}

resource "random_password" "administrator" {
  count = var.administrator_password == null ? 1 : 0

  # URL-safe specials keep the connection URL readable; it is urlencoded anyway.
  length           = 32
  min_lower        = 4
  min_upper        = 4
  min_numeric      = 4
  min_special      = 2
  override_special = "-_.~"
}

resource "azurerm_postgresql_flexible_server" "this" {
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  version             = var.postgres_version
  sku_name            = var.sku_name
  storage_mb          = var.storage_mb
  storage_tier        = var.storage_tier
  zone                = var.zone
  tags                = local.tags

  administrator_login    = var.administrator_login
  administrator_password = local.administrator_password

  backup_retention_days        = var.backup_retention_days
  geo_redundant_backup_enabled = var.geo_redundant_backup_enabled

  delegated_subnet_id           = local.is_private ? var.delegated_subnet_id : null
  private_dns_zone_id           = local.is_private ? var.private_dns_zone_id : null
  public_network_access_enabled = !local.is_private

  authentication {
    password_auth_enabled         = true
    active_directory_auth_enabled = false
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
}

# Server parameters the app needs: pgcrypto allow-listed and TLS-only connections.
resource "azurerm_postgresql_flexible_server_configuration" "this" {
  for_each = local.server_parameters

  name      = each.key
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = each.value
}

check "generated_password_is_kept" {
  assert {
    condition     = var.administrator_password != null || var.key_vault_id != null
    error_message = "The administrator password is generated but key_vault_id is null: it only lives in Terraform state. Set key_vault_id so the app's hosting can read it from Key Vault."
  }
}
