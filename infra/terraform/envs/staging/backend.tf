# State lives in an Azure Storage container. Values are supplied at init:
#   terraform init \
#     -backend-config="resource_group_name=<state rg>" \
#     -backend-config="storage_account_name=<state account>" \
#     -backend-config="container_name=tfstate" \
#     -backend-config="key=pulse-analytics/<env>.tfstate"
terraform {
  backend "azurerm" {}
}
