locals {
  metric_namespace = "Microsoft.DBforPostgreSQL/flexibleServers"

  # One alert per failure the app cannot survive on its own. Storage fires before auto-grow
  # (which starts near 90 % used), so storage can be grown on purpose first.
  metric_alerts = {
    storage-percent = {
      metric      = "storage_percent"
      aggregation = "Average"
      threshold   = var.alert_thresholds.storage_percent
      severity    = 1
      description = "Storage above ${var.alert_thresholds.storage_percent} %: a full disk makes the server read-only."
    }
    cpu-percent = {
      metric      = "cpu_percent"
      aggregation = "Average"
      threshold   = var.alert_thresholds.cpu_percent
      severity    = 2
      description = "CPU above ${var.alert_thresholds.cpu_percent} % for 15 minutes."
    }
    memory-percent = {
      metric      = "memory_percent"
      aggregation = "Average"
      threshold   = var.alert_thresholds.memory_percent
      severity    = 2
      description = "Memory above ${var.alert_thresholds.memory_percent} % for 15 minutes."
    }
    connections-failed = {
      metric      = "connections_failed"
      aggregation = "Total"
      threshold   = var.alert_thresholds.connections_failed
      severity    = 1
      description = "More than ${var.alert_thresholds.connections_failed} failed connections in 15 minutes (wrong password after a rotation, TLS or firewall problems)."
    }
  }
}

# Server logs and metrics to Log Analytics, when a workspace is given.
resource "azurerm_monitor_diagnostic_setting" "this" {
  count = var.log_analytics_workspace_id == null ? 0 : 1

  name                       = "${var.name}-diagnostics"
  target_resource_id         = azurerm_postgresql_flexible_server.this.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "allLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

resource "azurerm_monitor_metric_alert" "this" {
  for_each = { for key, alert in local.metric_alerts : key => alert if var.alerts_enabled }

  name                = "${var.name}-${each.key}"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_postgresql_flexible_server.this.id]
  description         = each.value.description
  severity            = each.value.severity
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = local.tags

  criteria {
    metric_namespace = local.metric_namespace
    metric_name      = each.value.metric
    aggregation      = each.value.aggregation
    operator         = "GreaterThan"
    threshold        = each.value.threshold
  }

  dynamic "action" {
    for_each = var.action_group_id == null ? [] : [var.action_group_id]

    content {
      action_group_id = action.value
    }
  }
}
