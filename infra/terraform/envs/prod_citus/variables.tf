# Site-specific ids and secrets only; sizing is written in main.tf.

variable "site" {
  type = object({
    subscription_id            = optional(string)
    location                   = string
    resource_group_name        = string
    cluster_name               = string
    key_vault_id               = string
    private_endpoint_subnet_id = string
    private_dns_zone_id        = string
  })
  description = "Where the cluster lives: subscription, region, names and ids of existing resources (validated by the module)."
  nullable    = false
}

variable "administrator_password" {
  type        = string
  description = "Initial citus administrator password (TF_VAR_administrator_password). Stored in state by the provider: reset it after creation."
  sensitive   = true
  nullable    = false
}

variable "app_password" {
  type        = string
  description = "Password of the application login (TF_VAR_app_password); written to Key Vault only."
  sensitive   = true
  ephemeral   = true
  nullable    = false
}
