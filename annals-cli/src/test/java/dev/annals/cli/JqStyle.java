package dev.annals.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Prints JSON as {@code jq .} does (two-space indent, {@code "key": value}), so a document can show it. */
final class JqStyle {

  private JqStyle() {}

  static String print(JsonNode node) {
    StringBuilder out = new StringBuilder();
    print(node, "", out);
    return out.toString();
  }

  private static void print(JsonNode node, String indent, StringBuilder out) {
    String inner = indent + "  ";
    if (node.isObject() && !node.isEmpty()) {
      out.append("{\n");
      Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        out.append(inner).append(EventJson.MAPPER.valueToTree(f.getKey()).toString()).append(": ");
        print(f.getValue(), inner, out);
        out.append(fields.hasNext() ? ",\n" : "\n");
      }
      out.append(indent).append('}');
    } else if (node.isArray() && !node.isEmpty()) {
      out.append("[\n");
      for (int i = 0; i < node.size(); i++) {
        out.append(inner);
        print(node.get(i), inner, out);
        out.append(i + 1 < node.size() ? ",\n" : "\n");
      }
      out.append(indent).append(']');
    } else {
      out.append(node.isObject() ? "{}" : node.isArray() ? "[]" : node.toString());
    }
  }
}
