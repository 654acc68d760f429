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

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // a plain URL in a value: its user-info removed, its sensitive values replaced
      "redirect=https://user:pass@host/cb?token=abc&x=1|redirect=https://host/cb?token=REDACTED&x=1",
      "redirect=https://host/cb?state=1&code=2|redirect=https://host/cb?state=1&code=REDACTED",
      // percent-encoded, as URLEncoder or encodeURIComponent write it; the rest keeps its encoding
      "next=https%3A%2F%2Fuser%3Apass%40host%2Fp%3Ftoken%3Dabc|next=https%3A%2F%2Fhost%2Fp%3Ftoken%3DREDACTED",
      "next=https%3a%2f%2fhost%2Fp%3Fpage%3D2%26api_key%3Dk%26q%3Da%2520b&y=2|next=https%3a%2f%2fhost%2Fp%3Fpage%3D2%26api_key%3DREDACTED%26q%3Da%2520b&y=2",
      // path parameters and fragment parameters of the nested URL
      "u=http://h/a;jsessionid=F00/b?x=1|u=http://h/a;jsessionid=REDACTED/b?x=1",
      "back=https://h/cb#access_token=t&state=s|back=https://h/cb#access_token=REDACTED&state=s",
      // a URL in a URL, the inner one encoded once more
      "next=https://a/?r=https%3A%2F%2Fu%3Ap%40b%2F%3Fsecret%3Ds|next=https://a/?r=https%3A%2F%2Fb%2F%3Fsecret%3DREDACTED",
      // a URL in free text
      "msg=see%20https%3A%2F%2Fu%3Ap%40h%20now|msg=see%20https%3A%2F%2Fh%20now",
      // nothing secret: the value as it was
      "next=https%3A%2F%2Fhost%2Fp%3Fpage%3D2|next=https%3A%2F%2Fhost%2Fp%3Fpage%3D2",
      "next=https://host/p?page=2&x=1|next=https://host/p?page=2&x=1",
      "note=a://b@|note=a://",
      "note=://x@y|note=://x@y",
  })
  void urlsInValuesLoseTheirUserInfoAndSensitiveValues(String query, String expected) {
    assertThat(redactor.redact(query)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void aQueryWithoutSecretsOrUrlsIsReturnedAsItIs() {
    String query = "page=2&q=%3A%2F&next=%2Fhome";
    assertThat(redactor.redact(query)).isSameAs(query);
    String nested = "next=https://host/p?page=2";
    assertThat(redactor.redact(nested)).isSameAs(nested);
  }

  @org.junit.jupiter.api.Test
  void urlsNestedTooDeeplyAreReplacedWhole() {
    String deep = "a=http://h/?b=http://h/?c=http://h/?d=http://h/?e=http://u:p@h/";
    assertThat(redactor.redact(deep)).isEqualTo("a=http://h/?b=http://h/?c=http://h/?d=http://h/?e=REDACTED");
  }

  @org.junit.jupiter.api.Test
  void configuredWordsReplaceTheDefaultsWholeWords() {
    QueryRedactor configured = new QueryRedactor(java.util.List.of("ssn"));
    assertThat(configured.redact("ssn=1&code=2&password=3")).isEqualTo("ssn=REDACTED&code=2&password=3");
  }
}
