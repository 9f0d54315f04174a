// A small pool of background threads for work a handler must not wait for
// (a Slack click is acknowledged at once; its vote runs here). Stop runs
// what was posted before it, then joins: nothing posted is dropped.
//
// Thread safety: Post and Stop are thread-safe; a task posted after Stop
// runs on the caller's thread (so it is never lost).
#ifndef SIGNOFF_RUNTIME_SERVER_BACKGROUND_H_
#define SIGNOFF_RUNTIME_SERVER_BACKGROUND_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace signoff::server {

class BackgroundQueue {
 public:
  explicit BackgroundQueue(int threads);
  ~BackgroundQueue();
  BackgroundQueue(const BackgroundQueue&) = delete;
  BackgroundQueue& operator=(const BackgroundQueue&) = delete;

  void Post(std::function<void()> task);
  // Runs every task posted so far, then joins the threads. Idempotent.
  void Stop();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_BACKGROUND_H_
