package io.sightline.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryRedactorTest {
  private final QueryRedactor redactor = new QueryRedactor(QueryRedactor.DEFAULT_WORDS, QueryRedactor.DEFAULT_WHOLE_WORDS);

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
      // percent-encoded keys are decoded first
      "pass%77ord=hunter2&x=1|pass%77ord=REDACTED&x=1",
      "%61pi_key=1|%61pi_key=REDACTED",
      // short words count as whole parts of a key only
      "sig=abc&design=flat|sig=REDACTED&design=flat",
      "pwd=1&jwt=2&code=3&oauth_code=4|pwd=REDACTED&jwt=REDACTED&code=REDACTED&oauth_code=REDACTED",
      "zipcode2=1&signal=on&encoded=x|zipcode2=1&signal=on&encoded=x",
  })
  void redactsSensitiveValues(String query, String expected) {
    assertThat(redactor.redact(query)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/cart|/cart",
      "/cart;jsessionid=0F3A9C|/cart;jsessionid=REDACTED",
      "/a;jsessionid=1/b;v=2|/a;jsessionid=REDACTED/b;v=REDACTED",
      "/matrix;flag/x|/matrix;flag/x",
  })
  void pathParametersHaveTheirValuesReplaced(String path, String expected) {
    assertThat(QueryRedactor.redactPathParameters(path)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void configuredWordsReplaceTheDefaultsWholeWords() {
    QueryRedactor configured = new QueryRedactor(java.util.List.of("ssn"));
    assertThat(configured.redact("ssn=1&code=2&password=3")).isEqualTo("ssn=REDACTED&code=2&password=3");
  }
}
