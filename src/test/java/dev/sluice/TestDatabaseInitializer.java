package dev.sluice;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Points the application at the shared test database before the context starts. */
public class TestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestDatabase database = TestDatabase.shared();
        TestPropertyValues
            .of("spring.r2dbc.url=" + database.r2dbcUrl(), "spring.r2dbc.username=" + database.username(),
                    "spring.r2dbc.password=" + database.password())
            .applyTo(context);
    }

}
