#pragma once
#include <QHash>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <type_traits>
#include <utility>

namespace dvfo {

// The panels' one way to run work off the GUI thread. Each job is started under a key ("load",
// "inspect", "train"...) and gets a job id; a newer job on the same key makes the older one stale:
// its cancel flag is set, it is skipped if it has not started yet, and its completion callback is
// never called (no generation counters in the panels). Completion and failure callbacks run on
// the GUI thread; an exception thrown by a job becomes its failure callback's message. The
// destructor cancels every job and waits for the running ones, so an owner that declares this
// member last (destroyed first) never has a job touch a destroyed member.
class BackgroundJobs : public QObject {
    Q_OBJECT
public:
    using JobId = quint64;
    class Context;

private:
    using ErasedWork = std::function<std::function<void()>(const Context&)>;
    struct JobState {
        JobId id = 0;
        QString key;
        std::atomic<bool> cancel{false};
        std::atomic<bool> stale{false};
        ErasedWork work;                            // released on the worker after it ran
        std::function<void(const QString&)> failed; // GUI thread only
    };

public:
    // What a running job sees (on its worker thread).
    class Context {
    public:
        // Set by cancel(key), a newer job on the key, discard(key) and destruction.
        bool cancelled() const { return state_->cancel.load(); }
        // For APIs that poll a flag themselves (PolicyTrainer::run).
        const std::atomic<bool>* cancelFlag() const { return &state_->cancel; }
        JobId id() const { return state_->id; }
        // Runs `onGui` on the GUI thread, unless the job is stale by then (progress, partial
        // results). Reports arrive before the job's completion callback.
        void report(std::function<void()> onGui) const;

    private:
        friend class BackgroundJobs;
        Context(BackgroundJobs* jobs, std::shared_ptr<JobState> state)
            : jobs_(jobs), state_(std::move(state)) {}
        BackgroundJobs* jobs_;
        std::shared_ptr<JobState> state_;
    };

    // At most `maxThreads` jobs run at once; more wait in submission order. Two owners that must
    // never wait for each other (an interactive view and a long run) use two BackgroundJobs.
    explicit BackgroundJobs(int maxThreads = 1, QObject* parent = nullptr);
    ~BackgroundJobs() override; // cancels every job and waits for the running ones

    // Runs `work(const Context&)` on a worker thread; `done(result)` (or `done()` for a void
    // job) on the GUI thread unless the job went stale; `failed(message)` when it threw (by
    // default the message is logged with the key).
    template <typename WorkFn, typename DoneFn>
    JobId run(const QString& key, WorkFn work, DoneFn done,
              std::function<void(const QString& message)> failed = {});

    void cancel(const QString& key);       // sets the current job's flag; its callbacks still run
    void discard(const QString& key);      // the current job goes stale: flag set, no callbacks
    bool isBusy(const QString& key) const; // the current job of `key` has not completed
    bool isCurrent(JobId id) const;        // no newer job (or discard) on its key since
    int runningCount() const;              // jobs started or queued, stale ones included

signals:
    // isBusy(key) changed (a job was started, completed or discarded).
    void busyChanged(const QString& key, bool busy);

private:
    JobId start(const QString& key, ErasedWork work, std::function<void(const QString&)> failed);
    void execute(const std::shared_ptr<JobState>& job); // on a worker thread
    void complete(const std::shared_ptr<JobState>& job, const std::function<void()>& deliver,
                  const QString& error);
    void supersede(const QString& key); // the current job of `key` goes stale

    QThreadPool pool_;
    JobId nextId_ = 0;
    QHash<QString, JobId> current_;                   // per key: its newest job id
    std::map<JobId, std::shared_ptr<JobState>> live_; // not completed yet
};

template <typename WorkFn, typename DoneFn>
BackgroundJobs::JobId BackgroundJobs::run(const QString& key, WorkFn work, DoneFn done,
                                          std::function<void(const QString& message)> failed) {
    using Result = std::invoke_result_t<WorkFn&, const Context&>;
    // Erase the result type: the worker hands back a closure that delivers the result.
    return start(
        key,
        [work = std::move(work),
         done = std::move(done)](const Context& context) mutable -> std::function<void()> {
            if constexpr (std::is_void_v<Result>) {
                work(context);
                return done;
            } else {
                auto result = std::make_shared<Result>(work(context));
                return [done, result]() mutable { done(std::move(*result)); };
            }
        },
        std::move(failed));
}

} // namespace dvfo
