// For the benchmark servers that run until told to stop (bench/bare_server,
// the relay floor of bench/notifications_outside).
#pragma once

#include <pthread.h>

#include <csignal>

namespace atrium::bench {

// Blocks SIGTERM and SIGINT in this thread and every thread started after
// it: call before gRPC starts its threads. Returns the set to wait on.
inline sigset_t BlockTermination() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Waits until one of `signals` arrives.
inline void AwaitTermination(const sigset_t& signals) {
  int sig = 0;
  sigwait(&signals, &sig);
}

}  // namespace atrium::bench
