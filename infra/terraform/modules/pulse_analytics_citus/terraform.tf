terraform {
  # 1.11+: write-only arguments (value_wo) and ephemeral variables.
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.46"
    }
  }
}
