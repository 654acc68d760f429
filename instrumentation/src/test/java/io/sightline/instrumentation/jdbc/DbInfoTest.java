package io.sightline.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DbInfoTest {
  /** url | system | namespace | address | port (-1 = none). */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', nullValues = "<null>", value = {
      "jdbc:postgresql://db.example.com:6543/orders?user=app&password=hunter2|postgresql|orders|db.example.com|6543",
      "jdbc:postgresql://127.0.0.1/sightline|postgresql|sightline|127.0.0.1|5432",
      "jdbc:postgresql://primary:5433,replica:5434/shop?targetServerType=primary|postgresql|shop|primary|5433",
      "jdbc:postgresql://[::1]:5432/v6|postgresql|v6|::1|5432",
      "jdbc:postgresql://user:secret@host/db|postgresql|db|host|5432",
      "jdbc:mysql://mysql.local:3307/inventory?useSSL=false|mysql|inventory|mysql.local|3307",
      "jdbc:mysql:loadbalance://a.local,b.local/inv|mysql|inv|a.local|3306",
      "jdbc:mariadb://maria/app|mariadb|app|maria|3306",
      "jdbc:sqlserver://sql.local:1444;databaseName=Sales;user=sa;password=x|microsoft.sql_server|Sales|sql.local|1444",
      "jdbc:sqlserver://sql.local\\\\INST;database=Hr|microsoft.sql_server|Hr|sql.local|1433",
      "jdbc:oracle:thin:@ora.local:1522:ORCL|oracle.db|ORCL|ora.local|1522",
      "jdbc:oracle:thin:@//ora.local/service1|oracle.db|service1|ora.local|1521",
      "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=tns.local)(PORT=1600))(CONNECT_DATA=(SERVICE_NAME=svc)))|oracle.db|svc|tns.local|1600",
      "jdbc:db2://db2.local:50001/SAMPLE|ibm.db2|SAMPLE|db2.local|50001",
      "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1|h2database|orders|<null>|-1",
      "jdbc:h2:tcp://h2.local:9093/~/data/shop|h2database|~/data/shop|h2.local|9093",
      "jdbc:h2:tcp://127.0.0.1:9093/mem:orders|h2database|orders|127.0.0.1|9093",
      "jdbc:h2:ssl://h2.local/file:/data/shop|h2database|/data/shop|h2.local|9092",
      "jdbc:h2:file:/var/data/app|h2database|/var/data/app|<null>|-1",
      "jdbc:hsqldb:mem:test|hsqldb|test|<null>|-1",
      "jdbc:derby://derby.local:1528/appdb;create=true|derby|appdb|derby.local|1528",
      "jdbc:sqlite:/tmp/app.db|sqlite|/tmp/app.db|<null>|-1",
      "jdbc:p6spy:postgresql://wrapped/db|postgresql|db|wrapped|5432",
      "jdbc:unknown://x/y|other_sql|<null>|<null>|-1",
  })
  void parsesUrls(String url, String system, String namespace, String address, int port) {
    DbInfo info = DbInfo.fromUrl(url.replace("\\\\", "\\"));
    assertThat(info.system()).isEqualTo(system);
    assertThat(info.namespace()).isEqualTo(namespace);
    assertThat(info.serverAddress()).isEqualTo(address);
    assertThat(info.serverPort()).isEqualTo(port);
    assertThat(info.toString()).doesNotContain("hunter2").doesNotContain("secret");
  }

  @Test
  void productNameFillsInForUnknownUrls() {
    assertThat(DbInfo.systemFromProductName("PostgreSQL")).isEqualTo("postgresql");
    assertThat(DbInfo.systemFromProductName("H2")).isEqualTo("h2database");
    assertThat(DbInfo.systemFromProductName("Microsoft SQL Server")).isEqualTo("microsoft.sql_server");
    assertThat(DbInfo.systemFromProductName(null)).isEqualTo("other_sql");
  }
}
