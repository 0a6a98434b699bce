# Inputs of the dev environment. Defaults size the environment:
# dev: small and cheap (Burstable, public endpoint with firewall rules, no HA, no geo backups).
# Only these defaults differ between envs/dev, envs/staging and envs/prod.

variable "subscription_id" {
  type        = string
  description = "Azure subscription id. null uses ARM_SUBSCRIPTION_ID from the environment."
  default     = null
}

variable "environment" {
  type        = string
  description = "Environment name, added as the environment tag."
  default     = "dev"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "location" {
  type        = string
  description = "Azure region of the analytics database, e.g. westeurope."
}

variable "resource_group_name" {
  type        = string
  description = "Existing resource group for the analytics database."
}

variable "server_name" {
  type        = string
  description = "Globally unique name of the PostgreSQL flexible server."
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource."
  default     = {}
}

variable "sku_name" {
  type        = string
  description = "Compute SKU (B_ Burstable, GP_ General Purpose, MO_ Memory Optimized)."
  default     = "B_Standard_B1ms"
}

variable "storage_mb" {
  type        = number
  description = "Provisioned storage in MB; can only grow."
  default     = 32768
}

variable "postgres_version" {
  type        = string
  description = "PostgreSQL major version."
  default     = "16"
}

variable "zone" {
  type        = string
  description = "Availability zone of the primary, or null for any."
  default     = null
}

variable "administrator_login" {
  type        = string
  description = "Administrator login the app connects as."
  default     = "pulseadmin"
}

variable "administrator_password" {
  type        = string
  description = "Administrator password. Leave null to generate one (stored in Key Vault when key_vault_id is set); to supply one use TF_VAR_administrator_password, never a file in the repo."
  default     = null
  nullable    = true
  sensitive   = true
}

variable "backup_retention_days" {
  type        = number
  description = "Backup retention in days (7-35)."
  default     = 7
}

variable "geo_redundant_backup_enabled" {
  type        = bool
  description = "Geo-redundant backups; fixed at creation (changing it replaces the server)."
  default     = false
}

variable "high_availability_enabled" {
  type        = bool
  description = "Zone-redundant hot standby (not on Burstable SKUs)."
  default     = false
}

variable "standby_availability_zone" {
  type        = string
  description = "Availability zone of the standby, or null for any."
  default     = null
}

variable "maintenance_window" {
  type = object({
    day_of_week  = optional(number, 0)
    start_hour   = optional(number, 2)
    start_minute = optional(number, 0)
  })
  description = "Maintenance window in UTC (day_of_week 0 = Sunday); null for system-managed."
  default = {
    day_of_week  = 0
    start_hour   = 2
    start_minute = 0
  }
}

variable "network_mode" {
  type        = string
  description = "\"private\" (delegated subnet + private DNS zone) or \"public\" (firewall_rules)."
  default     = "public"
}

variable "delegated_subnet_id" {
  type        = string
  description = "Subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers; required in private mode."
  default     = null
}

variable "private_dns_zone_id" {
  type        = string
  description = "Private DNS zone *.postgres.database.azure.com linked to the VNet; required in private mode."
  default     = null
}

variable "firewall_rules" {
  type = map(object({
    start_ip_address = string
    end_ip_address   = string
  }))
  description = "Public mode only: allowed IPv4 ranges keyed by rule name."
  default     = {}
}

variable "key_vault_id" {
  type        = string
  description = "Existing Key Vault that receives the admin password and connection URL secrets; null to skip."
  default     = null
}
