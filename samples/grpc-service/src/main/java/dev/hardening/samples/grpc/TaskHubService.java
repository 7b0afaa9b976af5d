package dev.hardening.samples.grpc;

import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.grpc.BearerAuthInterceptor;
import dev.hardening.lifecycle.grpc.GrpcCallTracker;
import dev.hardening.samples.grpc.v1.RunTaskRequest;
import dev.hardening.samples.grpc.v1.TaskEvent;
import dev.hardening.samples.grpc.v1.WhoamiRequest;
import dev.hardening.samples.grpc.v1.WhoamiResponse;
import dev.hardening.samples.grpc.v1.WorkRequest;
import dev.hardening.samples.grpc.v1.WorkResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code TaskHub}: who the caller is, a unary call that holds for a while (for drain tests), and a
 * long-running task that checkpoints and ends cleanly the moment shutdown begins. Thread-safe.
 */
final class TaskHubService implements TaskHubApi.Service {

    static final int MAX_MS = 60_000;
    static final int MAX_STEPS = 10_000;

    @Override
    public void whoami(WhoamiRequest request, StreamObserver<WhoamiResponse> out) {
        VerifiedToken token = BearerAuthInterceptor.TOKEN.get();
        out.onNext(WhoamiResponse.newBuilder()
                .setSub(token.subject())
                .setIss(token.issuer())
                .addAllAud(token.audiences())
                .setExp(token.expiresAt().getEpochSecond())
                .build());
        out.onCompleted();
    }

    @Override
    public void work(WorkRequest request, StreamObserver<WorkResponse> out) {
        if (request.getMs() < 0 || request.getMs() > MAX_MS) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("ms: " + request.getMs() + " (expected: 0..60000)").asRuntimeException());
            return;
        }
        CountDownLatch cancelled = cancellation(out);
        try {
            // the simulated work: wait out `ms`, or stop early if the client went away
            if (cancelled.await(request.getMs(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
            return;
        }
        out.onNext(WorkResponse.newBuilder().setWorkedMs(request.getMs()).build());
        out.onCompleted();
    }

    @Override
    public void runTask(RunTaskRequest request, StreamObserver<TaskEvent> out) {
        String problem = check(request);
        if (problem != null) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
            return;
        }
        // one latch for both reasons to stop early: shutdown began, or the client cancelled
        CountDownLatch stop = cancellation(out);
        GrpcCallTracker.onDrain(stop::countDown);
        int done = request.getResumeFrom();
        try {
            for (int step = done + 1; step <= request.getSteps(); step++) {
                if (stop.await(request.getStepMs(), TimeUnit.MILLISECONDS)) {
                    break;
                }
                done = step;
                out.onNext(event(TaskEvent.Kind.PROGRESS, request, step));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (isCancelled(out)) {
            return;
        }
        if (done < request.getSteps()) {
            out.onNext(event(TaskEvent.Kind.CHECKPOINT, request, done));
        } else {
            out.onNext(event(TaskEvent.Kind.DONE, request, done));
        }
        out.onCompleted();
    }

    static String check(RunTaskRequest r) {
        if (r.getSteps() < 1 || r.getSteps() > MAX_STEPS) {
            return "steps: " + r.getSteps() + " (expected: 1..10000)";
        }
        if (r.getStepMs() < 0 || r.getStepMs() > MAX_MS) {
            return "step_ms: " + r.getStepMs() + " (expected: 0..60000)";
        }
        if (r.getResumeFrom() < 0 || r.getResumeFrom() > r.getSteps() - 1) {
            return "resume_from: " + r.getResumeFrom() + " (expected: 0.." + (r.getSteps() - 1) + ")";
        }
        return null;
    }

    private static TaskEvent event(TaskEvent.Kind kind, RunTaskRequest r, int step) {
        return TaskEvent.newBuilder().setKind(kind).setTaskId(r.getTaskId()).setStep(step).build();
    }

    private static CountDownLatch cancellation(StreamObserver<?> out) {
        CountDownLatch latch = new CountDownLatch(1);
        if (out instanceof ServerCallStreamObserver) {
            ((ServerCallStreamObserver<?>) out).setOnCancelHandler(latch::countDown);
        }
        return latch;
    }

    private static boolean isCancelled(StreamObserver<?> out) {
        return out instanceof ServerCallStreamObserver && ((ServerCallStreamObserver<?>) out).isCancelled();
    }
}
