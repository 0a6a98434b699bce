# Public mode only: explicit allow-list of client IPv4 ranges. In private mode the
# server has no public endpoint and is reached through the delegated subnet.
resource "azurerm_postgresql_flexible_server_firewall_rule" "this" {
  for_each = { for name, rule in var.firewall_rules : name => rule if !local.is_private }

  name             = each.key
  server_id        = azurerm_postgresql_flexible_server.this.id
  start_ip_address = each.value.start_ip_address
  end_ip_address   = each.value.end_ip_address
}
