// Integers read from files and lines that come from outside: only a JSON integer inside the
// target type's range converts; a float (even 2.0), a string or an out-of-range value is a type
// error, never an undefined conversion.
#include "core/common/jsoninteger.h"

#include <QtTest>

using namespace dvfo;
using nlohmann::json;

class JsonIntegerTest : public QObject {
    Q_OBJECT
private slots:
    void integersInRangeConvert() {
        QCOMPARE(jsonInteger<int>(json(42)), 42);
        QCOMPARE(jsonInteger<int>(json(-7)), -7);
        QCOMPARE(jsonInteger<int>(json(INT32_MAX)), INT32_MAX);
        QCOMPARE(jsonInteger<int>(json(INT32_MIN)), INT32_MIN);
        QCOMPARE(jsonInteger<uint64_t>(json(UINT64_MAX)), UINT64_MAX);
        QCOMPARE(jsonInteger<int64_t>(json::parse("-9223372036854775808")), INT64_MIN);
        QCOMPARE(jsonInteger<size_t>(json(0)), size_t(0));
    }

    void floatsAndOutOfRangeValuesAreTypeErrors() {
        for (const char* text : {"1e47", "-3e300", "2.0", "0.5", "\"3\"", "true", "null", "[1]",
                                 "{}", "2147483648", "-2147483649", "18446744073709551615"}) {
            const json v = json::parse(text);
            QVERIFY_THROWS_EXCEPTION(json::type_error, jsonInteger<int>(v));
        }
        QVERIFY_THROWS_EXCEPTION(json::type_error, jsonInteger<uint64_t>(json(-1)));
        QVERIFY_THROWS_EXCEPTION(json::type_error, jsonInteger<uint8_t>(json(256)));
        QVERIFY_THROWS_EXCEPTION(json::type_error, jsonInteger<int64_t>(json(UINT64_MAX)));
    }

    void theMessageSaysWhatWasExpectedAndWhatCame() {
        try {
            jsonInteger<int>(json(1e47));
            QFAIL("1e47 was read as an int");
        } catch (const json::type_error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("expected an integer from -2147483648 to 2147483647, got 1e+47") !=
                         std::string::npos,
                     e.what());
        }
    }

    void fieldsFallBackOnlyWhenAbsent() {
        const json j = {{"port", 2222}, {"big", 1e47}, {"none", nullptr}};
        QCOMPARE(jsonIntegerOr<int>(j, "port", 22), 2222);
        QCOMPARE(jsonIntegerOr<int>(j, "missing", 22), 22);
        QCOMPARE(jsonIntegerOr<int>(j, "none", 22), 22);
        QCOMPARE(jsonIntegerOr<int>(json::array(), "port", 22), 22);
        QVERIFY_THROWS_EXCEPTION(json::type_error, jsonIntegerOr<int>(j, "big", 22));
        QCOMPARE(jsonIntegerAt<int>(j, "port"), 2222);
        QVERIFY_THROWS_EXCEPTION(json::out_of_range, jsonIntegerAt<int>(j, "missing"));
    }

    void arraysConvertElementByElement() {
        QCOMPARE(jsonIntegers<int>(json::parse("[3, 4, 5]")), (std::vector<int>{3, 4, 5}));
        QCOMPARE(jsonIntegers<int>(json::array()), std::vector<int>{});
        QVERIFY_THROWS_EXCEPTION(json::type_error, jsonIntegers<int>(json::parse("[3, 4e30]")));
        QVERIFY_THROWS_EXCEPTION(json::type_error, jsonIntegers<int>(json(3)));
    }
};

QTEST_APPLESS_MAIN(JsonIntegerTest)
#include "tst_jsoninteger.moc"
