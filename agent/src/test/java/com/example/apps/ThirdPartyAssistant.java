package com.example.apps;

/** An assistant written for LangChain4j and Spring AI, with no Toolwarden code in it. */
public class ThirdPartyAssistant {

    @dev.langchain4j.agent.tool.Tool("Returns the weather in a city")
    public String weather(String city) {
        return "sunny in " + city;
    }

    @dev.langchain4j.agent.tool.Tool(name = "stock_price", value = "Returns a stock price")
    public double price(String symbol) {
        return symbol.length() * 10.5;
    }

    @org.springframework.ai.tool.annotation.Tool(description = "Converts a temperature")
    public double fahrenheit(double celsius) {
        return celsius * 9 / 5 + 32;
    }

    @org.springframework.ai.tool.annotation.Tool(name = "spring_time")
    public String time() {
        return "noon";
    }

    public String notATool() {
        return "plain";
    }

    public static void main(String[] args) {
        ThirdPartyAssistant a = new ThirdPartyAssistant();
        Out.result("weather", a.weather("Oslo"));
        Out.result("price", a.price("ACME"));
        Out.result("fahrenheit", a.fahrenheit(100));
        Out.result("time", a.time());
        Out.result("plain", a.notATool());
        Out.statistics();
    }
}
