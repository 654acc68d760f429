package io.sightline.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryRedactorTest {
  private final QueryRedactor redactor = new QueryRedactor(QueryRedactor.DEFAULT_WORDS);

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "page=2|page=2",
      "token=abc|token=REDACTED",
      "page=2&access_token=abc&q=x|page=2&access_token=REDACTED&q=x",
      "api_key=1&X-Amz-Signature=ff|api_key=REDACTED&X-Amz-Signature=REDACTED",
      "PASSWORD=hunter2|PASSWORD=REDACTED",
      "sessionid=1&flag|sessionid=REDACTED&flag",
      "flag&auth=|flag&auth=REDACTED",
      "q=token|q=token",
  })
  void redactsSensitiveValues(String query, String expected) {
    assertThat(redactor.redact(query)).isEqualTo(expected);
  }
}
