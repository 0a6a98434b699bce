# -----------------------------------------------------------------------------
# Identity and placement
# -----------------------------------------------------------------------------

variable "name" {
  type        = string
  description = "Name of the Cosmos DB for PostgreSQL cluster; globally unique. Changing it forces a new cluster."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 characters of lowercase letters, digits and hyphens, not starting or ending with a hyphen."
  }
}

variable "resource_group_name" {
  type        = string
  description = "Existing resource group the cluster is created in."
  nullable    = false

  validation {
    condition     = can(regex("^[-\\w\\._\\(\\)]{1,90}$", var.resource_group_name)) && !endswith(var.resource_group_name, ".")
    error_message = "resource_group_name must be 1-90 characters of letters, digits, '-', '_', '.', '(' or ')' and must not end with '.'."
  }
}

variable "location" {
  type        = string
  description = "Azure region of the cluster, e.g. \"westeurope\"."
  nullable    = false

  validation {
    condition     = length(trimspace(var.location)) > 0
    error_message = "location must not be empty."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource the module creates."
  default     = {}
  nullable    = false
}

# -----------------------------------------------------------------------------
# Sizing
# -----------------------------------------------------------------------------

variable "postgres_version" {
  type        = string
  description = "PostgreSQL major version of every node."
  default     = "16"
  nullable    = false

  validation {
    condition     = contains(["14", "15", "16"], var.postgres_version)
    error_message = "postgres_version must be \"14\", \"15\" or \"16\"."
  }
}

variable "citus_version" {
  type        = string
  description = "Citus extension version (12.1 with PostgreSQL 16)."
  default     = "12.1"
  nullable    = false

  validation {
    condition     = contains(["11.3", "12.1"], var.citus_version)
    error_message = "citus_version must be \"11.3\" or \"12.1\"."
  }
}

variable "coordinator_server_edition" {
  type        = string
  description = "Coordinator edition: GeneralPurpose or MemoryOptimized."
  default     = "GeneralPurpose"
  nullable    = false

  validation {
    condition     = contains(["BurstableGeneralPurpose", "BurstableMemoryOptimized", "GeneralPurpose", "MemoryOptimized"], var.coordinator_server_edition)
    error_message = "coordinator_server_edition must be BurstableGeneralPurpose, BurstableMemoryOptimized, GeneralPurpose or MemoryOptimized."
  }
}

variable "coordinator_vcores" {
  type        = number
  description = "vCores of the coordinator (routes queries, holds reference tables)."
  nullable    = false

  validation {
    condition     = contains([1, 2, 4, 8, 16, 32, 64, 96], var.coordinator_vcores)
    error_message = "coordinator_vcores must be one of 1, 2, 4, 8, 16, 32, 64, 96."
  }
}

variable "coordinator_storage_mb" {
  type        = number
  description = "Coordinator storage in MB; can only grow."
  nullable    = false

  validation {
    condition     = contains([32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304, 8388608, 16777216], var.coordinator_storage_mb)
    error_message = "coordinator_storage_mb must be one of 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304, 8388608, 16777216."
  }
}

variable "node_count" {
  type        = number
  description = "Worker nodes holding the learner shards: 0 (single node, shards on the coordinator) or 2-20. Workers can be added later and shards rebalanced online."
  nullable    = false

  validation {
    condition     = var.node_count == 0 || (var.node_count >= 2 && var.node_count <= 20 && floor(var.node_count) == var.node_count)
    error_message = "node_count must be 0 or a whole number between 2 and 20."
  }
}

variable "node_server_edition" {
  type        = string
  description = "Worker edition: MemoryOptimized (default) or GeneralPurpose."
  default     = "MemoryOptimized"
  nullable    = false

  validation {
    condition     = contains(["GeneralPurpose", "MemoryOptimized"], var.node_server_edition)
    error_message = "node_server_edition must be GeneralPurpose or MemoryOptimized."
  }
}

variable "node_vcores" {
  type        = number
  description = "vCores of each worker node (ignored when node_count = 0)."
  default     = 4
  nullable    = false

  validation {
    condition     = contains([1, 2, 4, 8, 16, 32, 64, 96, 104], var.node_vcores)
    error_message = "node_vcores must be one of 1, 2, 4, 8, 16, 32, 64, 96, 104."
  }
}

variable "node_storage_mb" {
  type        = number
  description = "Storage of each worker node in MB; can only grow."
  default     = 524288
  nullable    = false

  validation {
    condition     = contains([32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304, 8388608, 16777216], var.node_storage_mb)
    error_message = "node_storage_mb must be one of 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304, 8388608, 16777216."
  }
}

variable "high_availability_enabled" {
  type        = bool
  description = "Standby for the coordinator and every worker (doubles cost)."
  default     = false
  nullable    = false
}

variable "zone" {
  type        = string
  description = "Preferred availability zone of the primaries, or null."
  default     = null

  validation {
    condition     = var.zone == null ? true : contains(["1", "2", "3"], var.zone)
    error_message = "zone must be null, \"1\", \"2\" or \"3\"."
  }
}

variable "maintenance_window" {
  type = object({
    day_of_week  = optional(number, 0)
    start_hour   = optional(number, 2)
    start_minute = optional(number, 0)
  })
  description = "Maintenance window in UTC (day_of_week 0 = Sunday)."
  default     = {}
  nullable    = false

  validation {
    condition = (
      var.maintenance_window.day_of_week >= 0 && var.maintenance_window.day_of_week <= 6 &&
      var.maintenance_window.start_hour >= 0 && var.maintenance_window.start_hour <= 23 &&
      var.maintenance_window.start_minute >= 0 && var.maintenance_window.start_minute <= 59
    )
    error_message = "maintenance_window needs day_of_week 0-6, start_hour 0-23 and start_minute 0-59."
  }
}

variable "delete_lock_enabled" {
  type        = bool
  description = "Put a CanNotDelete management lock on the cluster."
  default     = true
  nullable    = false
}

# -----------------------------------------------------------------------------
# Network
# -----------------------------------------------------------------------------

variable "private_endpoint_subnet_id" {
  type        = string
  description = "Subnet for a private endpoint to the coordinator. null: public coordinator endpoint limited to firewall_rules."
  default     = null

  validation {
    condition     = var.private_endpoint_subnet_id == null ? true : can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Network/virtualNetworks/[^/]+/subnets/[^/]+$", var.private_endpoint_subnet_id))
    error_message = "private_endpoint_subnet_id must be a subnet resource id."
  }
}

variable "private_dns_zone_id" {
  type        = string
  description = "Private DNS zone privatelink.postgres.cosmos.azure.com linked to the VNet; required with private_endpoint_subnet_id."
  default     = null

  validation {
    condition     = var.private_dns_zone_id == null ? true : can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Network/privateDnsZones/privatelink\\.postgres\\.cosmos\\.azure\\.com$", var.private_dns_zone_id))
    error_message = "private_dns_zone_id must be the resource id of the private DNS zone privatelink.postgres.cosmos.azure.com."
  }
}

variable "firewall_rules" {
  type = map(object({
    start_ip_address = string
    end_ip_address   = string
  }))
  description = "Public mode only: IPv4 ranges allowed to reach the coordinator, keyed by rule name."
  default     = {}
  nullable    = false
}

# -----------------------------------------------------------------------------
# Credentials and Key Vault
# -----------------------------------------------------------------------------

variable "administrator_password" {
  type        = string
  description = "Initial password of the citus administrator. The provider stores it in state (it has no write-only argument for clusters): reset it outside Terraform right after creation."
  sensitive   = true
  nullable    = false

  validation {
    condition     = length(var.administrator_password) >= 8 && length(var.administrator_password) <= 256
    error_message = "administrator_password must be 8-256 characters long."
  }
}

variable "app_owner_role" {
  type        = string
  description = "NOLOGIN role that owns schema analytics (created by infra/sql/bootstrap_app_login.sql)."
  default     = "pulse_app"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.app_owner_role))
    error_message = "app_owner_role must be 1-63 characters of lowercase letters, digits and underscores, starting with a letter."
  }
}

variable "app_login" {
  type        = string
  description = "Login the app connects as (pulse_app_a or pulse_app_b, taking turns on rotation)."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.app_login)) && !startswith(var.app_login, "pg_") && var.app_login != "citus"
    error_message = "app_login must be 1-63 characters of lowercase letters, digits and underscores, not citus and not starting with pg_."
  }
}

variable "app_password" {
  type        = string
  description = "Password of app_login. Ephemeral and write-only: it only reaches the Key Vault secret, when app_password_version changes."
  sensitive   = true
  ephemeral   = true
  nullable    = false
}

variable "app_password_version" {
  type        = number
  description = "Version of the app's connection URL secret; raise it whenever app_login or app_password changes."
  nullable    = false

  validation {
    condition     = var.app_password_version >= 1 && floor(var.app_password_version) == var.app_password_version
    error_message = "app_password_version must be a whole number >= 1."
  }
}

variable "key_vault_id" {
  type        = string
  description = "Existing Key Vault that receives the app's connection URL (write-only)."
  nullable    = false

  validation {
    condition     = can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.KeyVault/vaults/[^/]+$", var.key_vault_id))
    error_message = "key_vault_id must be a Key Vault resource id."
  }
}

variable "database_url_secret_name" {
  type        = string
  description = "Key Vault secret name for PULSE_ANALYTICS_DATABASE_URL; a different name than the flexible server's lets both exist during the move."
  default     = "pulse-analytics-citus-database-url"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9A-Za-z-]{1,127}$", var.database_url_secret_name))
    error_message = "Key Vault secret names are 1-127 characters of letters, digits and hyphens."
  }
}
