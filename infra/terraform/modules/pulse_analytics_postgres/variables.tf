# -----------------------------------------------------------------------------
# Identity and placement
# -----------------------------------------------------------------------------

variable "name" {
  type        = string
  description = "Name of the PostgreSQL flexible server. Globally unique in Azure; becomes <name>.postgres.database.azure.com."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.name))
    error_message = "name must be 3-63 characters of lowercase letters, digits and hyphens, and must not start or end with a hyphen."
  }
}

variable "resource_group_name" {
  type        = string
  description = "Existing resource group the server is created in."
  nullable    = false

  validation {
    condition     = can(regex("^[-\\w\\._\\(\\)]{1,90}$", var.resource_group_name)) && !endswith(var.resource_group_name, ".")
    error_message = "resource_group_name must be 1-90 characters of letters, digits, '-', '_', '.', '(' or ')' and must not end with '.'."
  }
}

variable "location" {
  type        = string
  description = "Azure region of the server, e.g. \"westeurope\"."
  nullable    = false

  validation {
    condition     = length(trimspace(var.location)) > 0
    error_message = "location must not be empty."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource the module creates (merged with the module's own workload tags)."
  default     = {}
  nullable    = false
}

# -----------------------------------------------------------------------------
# Compute, storage, engine
# -----------------------------------------------------------------------------

variable "sku_name" {
  type        = string
  description = "Compute SKU: <tier>_<size>, tier B (Burstable), GP (General Purpose) or MO (Memory Optimized), e.g. B_Standard_B1ms, GP_Standard_D4ds_v5. Can be changed in place (short restart)."
  nullable    = false

  validation {
    condition     = can(regex("^(B_Standard_B|GP_Standard_D|MO_Standard_E)[0-9A-Za-z_]+$", var.sku_name))
    error_message = "sku_name must start with B_Standard_B, GP_Standard_D or MO_Standard_E (e.g. B_Standard_B1ms, GP_Standard_D4ds_v5, MO_Standard_E4ds_v5)."
  }
}

variable "storage_mb" {
  type        = number
  description = "Provisioned storage in MB. Azure only allows growing it; a smaller value (also one below what auto-grow reached) plans a new empty server, which the delete guard refuses."
  nullable    = false

  validation {
    condition     = contains([32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408], var.storage_mb)
    error_message = "storage_mb must be one of 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408."
  }
}

variable "storage_tier" {
  type        = string
  description = "Optional disk performance tier (P4..P80). null lets Azure pick the default tier for storage_mb."
  default     = null

  validation {
    condition     = var.storage_tier == null ? true : contains(["P4", "P6", "P10", "P15", "P20", "P30", "P40", "P50", "P60", "P70", "P80"], var.storage_tier)
    error_message = "storage_tier must be null or one of P4, P6, P10, P15, P20, P30, P40, P50, P60, P70, P80."
  }
}

variable "storage_auto_grow_enabled" {
  type        = bool
  description = "Let Azure grow storage before the disk fills up (a full disk makes the server read-only). Afterwards set storage_mb to the grown size."
  default     = true
  nullable    = false
}

variable "postgres_version" {
  type        = string
  description = "PostgreSQL major version. Upgrades happen in place (azurerm 4.27+); a lower version forces a new server, which the delete guard refuses."
  default     = "16"
  nullable    = false

  validation {
    condition     = contains(["14", "15", "16", "17"], var.postgres_version)
    error_message = "postgres_version must be one of \"14\", \"15\", \"16\", \"17\" (13 is retired; 17 needs azurerm 4.46+, which terraform.tf requires)."
  }
}

variable "zone" {
  type        = string
  description = "Availability zone of the primary (\"1\", \"2\" or \"3\"), or null to let Azure choose. Only used at creation: later changes are ignored because Azure swaps zones on failover."
  default     = null

  validation {
    condition     = var.zone == null ? true : contains(["1", "2", "3"], var.zone)
    error_message = "zone must be null, \"1\", \"2\" or \"3\"."
  }
}

# -----------------------------------------------------------------------------
# Database and credentials
# -----------------------------------------------------------------------------

variable "database_name" {
  type        = string
  description = "Database the app uses (the app's schema \"analytics\" lives inside it)."
  default     = "pulse_analytics"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be 1-63 characters of lowercase letters, digits and underscores, not starting with a digit."
  }
}

variable "administrator_login" {
  type        = string
  description = "Administrator login of the server, for operators and the one-time bootstrap of the application login; the app never uses it. Changing it forces a new server."
  default     = "pulseadmin"
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.administrator_login))
    error_message = "administrator_login must be 1-63 characters of letters, digits and underscores, starting with a letter."
  }

  validation {
    condition     = !contains(["azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest", "public", "postgres"], lower(var.administrator_login)) && !startswith(lower(var.administrator_login), "pg_")
    error_message = "administrator_login must not be a reserved name (azure_superuser, azure_pg_admin, admin, administrator, root, guest, public, postgres) or start with pg_."
  }
}

variable "administrator_password" {
  type        = string
  description = "Administrator password. Ephemeral and write-only: sent to Azure and to Key Vault when administrator_password_version changes, never stored in state or plan files. Pass it with TF_VAR_administrator_password (e.g. read from the Key Vault secret)."
  sensitive   = true
  ephemeral   = true
  nullable    = false
}

variable "administrator_password_version" {
  type        = number
  description = "Version of administrator_password. Raise it (1, 2, ...) together with a new password to rotate; leaving it unchanged keeps the current password whatever administrator_password holds."
  nullable    = false

  validation {
    condition     = var.administrator_password_version >= 1 && floor(var.administrator_password_version) == var.administrator_password_version
    error_message = "administrator_password_version must be a whole number >= 1."
  }
}

variable "app_owner_role" {
  type        = string
  description = "NOLOGIN role that owns schema analytics and everything the migrations create. Created by infra/sql/bootstrap_app_login.sql, not by Terraform."
  default     = "pulse_app"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.app_owner_role))
    error_message = "app_owner_role must be 1-63 characters of lowercase letters, digits and underscores, starting with a letter."
  }
}

variable "app_login" {
  type        = string
  description = "Login the app connects as: a member of app_owner_role with no other rights. Two logins (e.g. pulse_app_a, pulse_app_b) take turns so a password rotation has no outage; see infra/README.md."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.app_login)) && !startswith(var.app_login, "pg_") && !startswith(var.app_login, "azure")
    error_message = "app_login must be 1-63 characters of lowercase letters, digits and underscores, starting with a letter, and not start with pg_ or azure."
  }
}

variable "app_password" {
  type        = string
  description = "Password of app_login. Ephemeral and write-only: it only reaches the Key Vault secret holding the app's connection URL, when app_password_version changes."
  sensitive   = true
  ephemeral   = true
  nullable    = false
}

variable "app_password_version" {
  type        = number
  description = "Version of the app's connection URL secret. Raise it whenever app_login or app_password changes; otherwise Key Vault keeps the previous URL."
  nullable    = false

  validation {
    condition     = var.app_password_version >= 1 && floor(var.app_password_version) == var.app_password_version
    error_message = "app_password_version must be a whole number >= 1."
  }
}

variable "entra_administrator" {
  type = object({
    object_id      = string
    principal_name = string
    principal_type = string
  })
  description = "Optional Entra ID administrator (a group is best). When set, Entra ID authentication is turned on next to password authentication; null leaves it off."
  default     = null

  validation {
    condition     = var.entra_administrator == null ? true : contains(["User", "Group", "ServicePrincipal"], var.entra_administrator.principal_type)
    error_message = "entra_administrator.principal_type must be User, Group or ServicePrincipal."
  }

  validation {
    condition     = var.entra_administrator == null ? true : can(regex("^[0-9a-fA-F-]{36}$", var.entra_administrator.object_id))
    error_message = "entra_administrator.object_id must be a GUID."
  }
}

# -----------------------------------------------------------------------------
# Backups, availability, maintenance
# -----------------------------------------------------------------------------

variable "backup_retention_days" {
  type        = number
  description = "Point-in-time-restore backup retention in days (7-35)."
  default     = 7
  nullable    = false

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35 && floor(var.backup_retention_days) == var.backup_retention_days
    error_message = "backup_retention_days must be a whole number between 7 and 35."
  }
}

variable "geo_redundant_backup_enabled" {
  type        = bool
  description = "Store backups geo-redundantly in the paired region. Can only be chosen at creation: changing it forces a new server."
  default     = false
  nullable    = false
}

variable "high_availability_enabled" {
  type        = bool
  description = "Run a hot standby (not available on the Burstable tier). Roughly doubles compute cost."
  default     = false
  nullable    = false
}

variable "high_availability_mode" {
  type        = string
  description = "High availability mode when high_availability_enabled: \"ZoneRedundant\" (standby in another zone) or \"SameZone\"."
  default     = "ZoneRedundant"
  nullable    = false

  validation {
    condition     = contains(["ZoneRedundant", "SameZone"], var.high_availability_mode)
    error_message = "high_availability_mode must be \"ZoneRedundant\" or \"SameZone\"."
  }
}

variable "standby_availability_zone" {
  type        = string
  description = "Availability zone of the ZoneRedundant standby (\"1\", \"2\" or \"3\"), or null to let Azure choose. Must differ from zone."
  default     = null

  validation {
    condition     = var.standby_availability_zone == null ? true : contains(["1", "2", "3"], var.standby_availability_zone)
    error_message = "standby_availability_zone must be null, \"1\", \"2\" or \"3\"."
  }
}

variable "maintenance_window" {
  type = object({
    day_of_week  = optional(number, 0)
    start_hour   = optional(number, 2)
    start_minute = optional(number, 0)
  })
  description = "Custom maintenance window in UTC (day_of_week 0 = Sunday). null uses the system-managed window."
  default     = {}

  validation {
    condition = var.maintenance_window == null ? true : (
      var.maintenance_window.day_of_week >= 0 && var.maintenance_window.day_of_week <= 6 &&
      var.maintenance_window.start_hour >= 0 && var.maintenance_window.start_hour <= 23 &&
      var.maintenance_window.start_minute >= 0 && var.maintenance_window.start_minute <= 59
    )
    error_message = "maintenance_window needs day_of_week 0-6, start_hour 0-23 and start_minute 0-59."
  }
}

variable "delete_lock_enabled" {
  type        = bool
  description = "Put a CanNotDelete management lock on the server, so Azure refuses to delete it whoever asks. On unless switched off (dev)."
  default     = true
  nullable    = false
}

# -----------------------------------------------------------------------------
# Networking
# -----------------------------------------------------------------------------

variable "network_mode" {
  type        = string
  description = "\"private\": VNet-integrated (delegated subnet + private DNS zone, no public endpoint). \"public\": public endpoint reachable only from firewall_rules."
  nullable    = false

  validation {
    condition     = contains(["private", "public"], var.network_mode)
    error_message = "network_mode must be \"private\" or \"public\"."
  }
}

variable "delegated_subnet_id" {
  type        = string
  description = "Resource id of a subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers. Required when network_mode = \"private\", must be null otherwise. Changing it forces a new server."
  default     = null

  validation {
    condition     = var.delegated_subnet_id == null ? true : can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Network/virtualNetworks/[^/]+/subnets/[^/]+$", var.delegated_subnet_id))
    error_message = "delegated_subnet_id must be a subnet resource id (/subscriptions/.../virtualNetworks/<vnet>/subnets/<subnet>)."
  }

  validation {
    condition     = var.network_mode == "private" ? var.delegated_subnet_id != null : var.delegated_subnet_id == null
    error_message = "delegated_subnet_id is required when network_mode is \"private\" and must be null when it is \"public\"."
  }
}

variable "private_dns_zone_id" {
  type        = string
  description = "Resource id of a private DNS zone named *.postgres.database.azure.com linked to the VNet. Required when network_mode = \"private\", must be null otherwise."
  default     = null

  validation {
    condition     = var.private_dns_zone_id == null ? true : can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Network/privateDnsZones/[^/]+\\.postgres\\.database\\.azure\\.com$", var.private_dns_zone_id))
    error_message = "private_dns_zone_id must be the resource id of a private DNS zone ending in .postgres.database.azure.com."
  }

  validation {
    condition     = var.network_mode == "private" ? var.private_dns_zone_id != null : var.private_dns_zone_id == null
    error_message = "private_dns_zone_id is required when network_mode is \"private\" and must be null when it is \"public\"."
  }
}

variable "firewall_rules" {
  type = map(object({
    start_ip_address = string
    end_ip_address   = string
  }))
  description = "Public mode only: IPv4 ranges allowed to connect, keyed by rule name. An empty map means nothing can connect. A 0.0.0.0-0.0.0.0 rule allows Azure services."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for name in keys(var.firewall_rules) : can(regex("^[a-zA-Z0-9_-]{1,128}$", name))])
    error_message = "firewall_rules keys are rule names: 1-128 characters of letters, digits, '-' and '_'."
  }

  validation {
    condition = alltrue(flatten([
      for rule in values(var.firewall_rules) : [
        for ip in [rule.start_ip_address, rule.end_ip_address] :
        can(regex("^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$", ip))
      ]
    ]))
    error_message = "firewall_rules start_ip_address and end_ip_address must be IPv4 addresses."
  }

  validation {
    condition     = var.network_mode == "public" || length(var.firewall_rules) == 0
    error_message = "firewall_rules only apply to network_mode = \"public\"; leave the map empty in private mode."
  }
}

# -----------------------------------------------------------------------------
# Server parameters
# -----------------------------------------------------------------------------

variable "additional_extensions" {
  type        = list(string)
  description = "Extensions to allow-list in azure.extensions. The app's migrations create none, so this is empty unless an operator needs one (e.g. PG_STAT_STATEMENTS)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for e in var.additional_extensions : can(regex("^[A-Za-z0-9_-]+$", e))])
    error_message = "additional_extensions entries must be extension names such as PG_STAT_STATEMENTS or UUID-OSSP."
  }
}

variable "server_parameters" {
  type        = map(string)
  description = "Extra server parameters (name => value). azure.extensions (use additional_extensions) and require_secure_transport (always on) cannot be set here."
  default     = {}
  nullable    = false

  validation {
    condition     = length(setintersection(keys(var.server_parameters), ["azure.extensions", "require_secure_transport"])) == 0
    error_message = "server_parameters must not set azure.extensions (use additional_extensions) or require_secure_transport (always on)."
  }
}

# -----------------------------------------------------------------------------
# Key Vault
# -----------------------------------------------------------------------------

variable "key_vault_id" {
  type        = string
  description = "Resource id of an existing Key Vault that receives the app's connection URL (write-only, so it never lands in state)."
  nullable    = false

  validation {
    condition     = can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.KeyVault/vaults/[^/]+$", var.key_vault_id))
    error_message = "key_vault_id must be a Key Vault resource id (/subscriptions/.../providers/Microsoft.KeyVault/vaults/<name>)."
  }
}

variable "database_url_secret_name" {
  type        = string
  description = "Key Vault secret name for the app's PULSE_ANALYTICS_DATABASE_URL (application login, sslmode=verify-full)."
  default     = "pulse-analytics-database-url"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9A-Za-z-]{1,127}$", var.database_url_secret_name))
    error_message = "Key Vault secret names are 1-127 characters of letters, digits and hyphens."
  }
}

# -----------------------------------------------------------------------------
# Monitoring
# -----------------------------------------------------------------------------

variable "log_analytics_workspace_id" {
  type        = string
  description = "Optional Log Analytics workspace that receives the server's logs and metrics (diagnostic setting). null sends nothing."
  default     = null

  validation {
    condition     = var.log_analytics_workspace_id == null ? true : can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.OperationalInsights/workspaces/[^/]+$", var.log_analytics_workspace_id))
    error_message = "log_analytics_workspace_id must be a Log Analytics workspace resource id."
  }
}

variable "alerts_enabled" {
  type        = bool
  description = "Create metric alerts for storage, CPU, memory and failed connections."
  default     = true
  nullable    = false
}

variable "action_group_id" {
  type        = string
  description = "Optional action group (mail, pager, webhook) the metric alerts notify. null: alerts show in Azure Monitor only."
  default     = null

  validation {
    condition     = var.action_group_id == null ? true : can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Insights/actionGroups/[^/]+$", var.action_group_id))
    error_message = "action_group_id must be an action group resource id (.../providers/Microsoft.Insights/actionGroups/<name>)."
  }
}

variable "alert_thresholds" {
  type = object({
    storage_percent    = optional(number, 80)
    cpu_percent        = optional(number, 80)
    memory_percent     = optional(number, 90)
    connections_failed = optional(number, 10)
  })
  description = "Alert thresholds: percent used for storage, CPU and memory (15-minute average); failed connections in 15 minutes."
  default     = {}
  nullable    = false

  validation {
    condition = alltrue([
      for p in [var.alert_thresholds.storage_percent, var.alert_thresholds.cpu_percent, var.alert_thresholds.memory_percent] : p > 0 && p < 100
    ]) && var.alert_thresholds.connections_failed >= 0
    error_message = "Percent thresholds must be between 0 and 100 (exclusive); connections_failed must be >= 0."
  }

  validation {
    condition     = var.alert_thresholds.storage_percent < 90
    error_message = "alert_thresholds.storage_percent must stay below 90 so the alert fires before storage auto-grow."
  }
}
