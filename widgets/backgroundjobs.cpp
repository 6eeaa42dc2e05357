#include "widgets/backgroundjobs.h"

#include <QMetaObject>
#include <QtGlobal>

#include <exception>

namespace dvfo {

void BackgroundJobs::Context::report(std::function<void()> onGui) const {
    // The owner outlives every running job (its destructor waits), and events still queued for
    // it are dropped with it.
    BackgroundJobs* jobs = jobs_;
    const JobId id = state_->id;
    QMetaObject::invokeMethod(
        jobs,
        [jobs, id, onGui = std::move(onGui)] {
            if (jobs->isCurrent(id))
                onGui();
        },
        Qt::QueuedConnection);
}

BackgroundJobs::BackgroundJobs(int maxThreads, QObject* parent) : QObject(parent) {
    pool_.setMaxThreadCount(qMax(1, maxThreads));
}

BackgroundJobs::~BackgroundJobs() {
    for (const auto& [id, job] : live_) {
        job->stale = true;
        job->cancel = true;
    }
    pool_.clear(); // queued jobs never start
    pool_.waitForDone();
    // Completions they posted are dropped with this object: nothing reaches the owner.
}

BackgroundJobs::JobId BackgroundJobs::start(const QString& key, ErasedWork work,
                                            std::function<void(const QString&)> failed) {
    const bool wasBusy = isBusy(key);
    supersede(key);
    auto job = std::make_shared<JobState>();
    job->id = ++nextId_;
    job->key = key;
    job->work = std::move(work);
    job->failed = std::move(failed);
    current_.insert(key, job->id);
    live_.emplace(job->id, job);
    pool_.start([this, job] { execute(job); });
    if (!wasBusy)
        emit busyChanged(key, true);
    return job->id;
}

void BackgroundJobs::execute(const std::shared_ptr<JobState>& job) {
    std::function<void()> deliver;
    QString error;
    if (!job->stale) { // superseded while queued: skip it
        try {
            deliver = job->work(Context(this, job));
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
            if (error.isEmpty())
                error = tr("unknown error");
        } catch (...) {
            error = tr("unknown error");
        }
    }
    job->work = nullptr; // its captures die on this thread, as they would have in a QThread
    QMetaObject::invokeMethod(
        this, [this, job, deliver = std::move(deliver), error] { complete(job, deliver, error); },
        Qt::QueuedConnection);
}

void BackgroundJobs::complete(const std::shared_ptr<JobState>& job,
                              const std::function<void()>& deliver, const QString& error) {
    const bool wasBusy = isBusy(job->key);
    live_.erase(job->id);
    const bool current = isCurrent(job->id);
    const auto failed = std::move(job->failed);
    if (current && !error.isEmpty()) {
        if (failed)
            failed(error);
        else
            qWarning("Background job %s failed: %s", qPrintable(job->key), qPrintable(error));
    } else if (current && deliver) {
        deliver();
    }
    // After the callback, which may have started the key's next job.
    if (wasBusy && !isBusy(job->key))
        emit busyChanged(job->key, false);
}

void BackgroundJobs::supersede(const QString& key) {
    const auto it = current_.constFind(key);
    if (it == current_.cend())
        return;
    const auto live = live_.find(it.value());
    if (live != live_.end()) {
        live->second->stale = true;
        live->second->cancel = true;
    }
}

void BackgroundJobs::cancel(const QString& key) {
    const auto it = current_.constFind(key);
    if (it == current_.cend())
        return;
    const auto live = live_.find(it.value());
    if (live != live_.end())
        live->second->cancel = true;
}

void BackgroundJobs::discard(const QString& key) {
    const bool wasBusy = isBusy(key);
    supersede(key);
    current_.insert(key, ++nextId_); // an id no job has: every older job of the key is stale
    if (wasBusy)
        emit busyChanged(key, false);
}

bool BackgroundJobs::isBusy(const QString& key) const {
    const auto it = current_.constFind(key);
    return it != current_.cend() && live_.count(it.value()) > 0;
}

bool BackgroundJobs::isCurrent(JobId id) const {
    for (auto it = current_.cbegin(); it != current_.cend(); ++it)
        if (it.value() == id)
            return true;
    return false;
}

int BackgroundJobs::runningCount() const {
    return int(live_.size());
}

} // namespace dvfo
