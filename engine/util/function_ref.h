// FunctionRef: a non-owning reference to a callable, for callbacks invoked
// on hot paths. Unlike std::function it never allocates: a lambda that
// captures more than two pointers would make std::function allocate on
// every call of the function that takes it.
//
// The referenced callable must outlive the FunctionRef, so take it only as
// a parameter, never store it.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace jalon {

template <typename Fn>
class FunctionRef;

template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef> &&
                                                    std::is_invocable_r_v<R, F&, Args...>>>
  FunctionRef(F&& f)  // NOLINT(google-explicit-constructor): used like std::function
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* object, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(object))(std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

}  // namespace jalon
