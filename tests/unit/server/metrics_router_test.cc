// The metrics registry (text format, concurrency) and the route table.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "runtime/server/dispatch.h"
#include "runtime/server/metrics.h"
#include "runtime/server/router.h"

namespace signoff::server {
namespace {

TEST(MetricsTest, RendersTheTextFormat) {
  MetricsRegistry registry;
  Counter& a = registry.AddCounter("x_total", "Things.", {{"kind", "a"}});
  Counter& b = registry.AddCounter("x_total", "Things.", {{"kind", "b\"q"}});
  Gauge& g = registry.AddGauge("open", "Open now.");
  Histogram& h = registry.AddHistogram("lat_seconds", "Latency.", {0.1, 1});
  a.Increment(2);
  b.Increment();
  g.Set(5);
  g.Sub(2);
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(7);
  EXPECT_EQ(&registry.AddCounter("x_total", "Things.", {{"kind", "a"}}), &a);
  EXPECT_EQ(registry.Render(),
            "# HELP x_total Things.\n"
            "# TYPE x_total counter\n"
            "x_total{kind=\"a\"} 2\n"
            "x_total{kind=\"b\\\"q\"} 1\n"
            "# HELP open Open now.\n"
            "# TYPE open gauge\n"
            "open 3\n"
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{le=\"0.1\"} 1\n"
            "lat_seconds_bucket{le=\"1\"} 2\n"
            "lat_seconds_bucket{le=\"+Inf\"} 3\n"
            "lat_seconds_sum 7.55\n"
            "lat_seconds_count 3\n");
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry registry;
  Counter& counter = registry.AddCounter("n_total", "N.");
  Histogram& histogram =
      registry.AddHistogram("d_seconds", "D.", LatencyBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.Increment();
        histogram.Observe(0.001);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter.value(), 40000u);
  EXPECT_EQ(histogram.count(), 40000u);
  EXPECT_NEAR(histogram.sum(), 40.0, 1e-6);
}

Route Named(std::string method, std::string pattern, std::string name) {
  return {std::move(method), std::move(pattern), Access::kPublic,
          [name](const HttpRequest&) { return JsonResponse(200, name); }};
}

TEST(RouterTest, MatchesLiteralsAndPlaceholders) {
  Router router;
  router.Add(Named("GET", "/v1/requests", "list"));
  router.Add(Named("POST", "/v1/requests", "submit"));
  router.Add(Named("GET", "/v1/requests/{id}", "get"));
  router.Add(Named("POST", "/v1/requests/{id}/votes", "vote"));
  router.Add(Named("GET", "/v1/requests/inbox", "inbox"));

  Router::Match m = router.Find("GET", "/v1/requests/r_1");
  ASSERT_EQ(m.kind, Router::Match::kFound);
  EXPECT_EQ(m.params.at("id"), "r_1");
  EXPECT_EQ(m.route->handler(HttpRequest()).body, "\"get\"");
  m = router.Find("GET", "/v1/requests/inbox");  // the literal wins
  EXPECT_EQ(m.route->handler(HttpRequest()).body, "\"inbox\"");
  m = router.Find("POST", "/v1/requests/r_2/votes");
  ASSERT_EQ(m.kind, Router::Match::kFound);
  EXPECT_EQ(m.params.at("id"), "r_2");

  m = router.Find("DELETE", "/v1/requests");
  EXPECT_EQ(m.kind, Router::Match::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "POST"}));
  for (const char* path : {"/v1/requests/", "/v1/requests//votes", "/v1", "",
                           "v1/requests", "/v1/requests/a/b"}) {
    EXPECT_EQ(router.Find("GET", path).kind, Router::Match::kNotFound) << path;
  }
}

TEST(RouterTest, AddReplacesTheSameMethodAndPattern) {
  Router router;
  router.Add(Named("POST", "/v1/requests", "placeholder"));
  router.Add(Named("POST", "/v1/requests", "real"));
  EXPECT_EQ(router.routes().size(), 1u);
  EXPECT_EQ(router.Find("POST", "/v1/requests").route->handler({}).body,
            "\"real\"");
}

TEST(DispatchTest, BearerKeys) {
  EXPECT_EQ(BearerKey("Bearer abc"), "abc");
  EXPECT_EQ(BearerKey("bearer   abc "), "abc");
  EXPECT_EQ(BearerKey("BEARER abc"), "abc");
  EXPECT_EQ(BearerKey("Basic abc"), "");
  EXPECT_EQ(BearerKey("Bearer"), "");
  EXPECT_EQ(BearerKey("Bearer "), "");
  EXPECT_EQ(BearerKey("Bearerabc"), "");
}

}  // namespace
}  // namespace signoff::server
