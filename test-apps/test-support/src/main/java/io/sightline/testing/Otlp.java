package io.sightline.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small decoding helpers for OTLP protobuf values. */
public final class Otlp {
  private Otlp() {}

  public static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  /** Attribute values as plain Java: String, Long, Double, Boolean, List, or null when absent. */
  public static Map<String, Object> attributes(List<KeyValue> attributes) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (KeyValue kv : attributes) {
      map.put(kv.getKey(), value(kv.getValue()));
    }
    return map;
  }

  public static Object value(AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case INT_VALUE:
        return value.getIntValue();
      case DOUBLE_VALUE:
        return value.getDoubleValue();
      case BOOL_VALUE:
        return value.getBoolValue();
      case ARRAY_VALUE:
        return value.getArrayValue().getValuesList().stream().map(Otlp::value).toList();
      case BYTES_VALUE:
        return hex(value.getBytesValue());
      case KVLIST_VALUE:
        return attributes(value.getKvlistValue().getValuesList());
      default:
        return null;
    }
  }
}
