terraform {
  # 1.11+: write-only arguments (administrator_password_wo, value_wo) and ephemeral variables.
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # 4.46 is the first release that accepts postgres_version "17" and the module's
      # write-only arguments; 4.27+ upgrades major versions in place instead of replacing.
      version = "~> 4.46"
    }
  }
}
