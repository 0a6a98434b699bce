# Site-specific ids and secrets only; sizing is written in main.tf. Same file in every env.

variable "site" {
  type = object({
    subscription_id            = optional(string) # null: ARM_SUBSCRIPTION_ID
    location                   = string
    resource_group_name        = string
    server_name                = string
    key_vault_id               = string
    delegated_subnet_id        = optional(string) # private network mode
    private_dns_zone_id        = optional(string) # private network mode
    firewall_rules             = optional(map(object({ start_ip_address = string, end_ip_address = string })), {})
    log_analytics_workspace_id = optional(string)
    action_group_id            = optional(string)
    entra_administrator        = optional(object({ object_id = string, principal_name = string, principal_type = string }))
  })
  description = "Where this environment lives: subscription, region, names and ids of existing resources (validated by the module)."
  nullable    = false
}

variable "administrator_password" {
  type        = string
  description = "Server administrator password (TF_VAR_administrator_password). Written only when administrator_password_version in main.tf changes."
  sensitive   = true
  ephemeral   = true
  nullable    = false
}

variable "app_password" {
  type        = string
  description = "Password of the application login (TF_VAR_app_password). Written only when app_password_version in main.tf changes."
  sensitive   = true
  ephemeral   = true
  nullable    = false
}
