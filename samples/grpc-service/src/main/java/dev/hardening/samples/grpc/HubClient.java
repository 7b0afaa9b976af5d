package dev.hardening.samples.grpc;

import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.TimeSource;
import dev.hardening.samples.grpc.v1.RunTaskRequest;
import dev.hardening.samples.grpc.v1.TaskEvent;
import dev.hardening.samples.grpc.v1.WhoamiRequest;
import dev.hardening.samples.grpc.v1.WhoamiResponse;
import dev.hardening.samples.grpc.v1.WorkRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command-line client of the hub, in the jar beside the service (grpc-java over Netty, plaintext):
 *
 * <pre>
 * java -cp grpc-service.jar dev.hardening.samples.grpc.HubClient [--token T | --sub NAME] HOST:PORT COMMAND [ARGS]
 *   health                                  the standard health service (no token)
 *   whoami                                  TaskHub/Whoami
 *   work MS                                 TaskHub/Work
 *   run-task TASK_ID STEPS STEP_MS [FROM]   TaskHub/RunTask, one line per event
 * </pre>
 *
 * Without {@code --token}, it mints a token for {@code --sub} (default {@code alice}) from the dev
 * issuer whose key a service started with {@code APP_ENV=dev} keeps in {@code .hardening/dev-secrets}:
 * run it from that service's working directory. Exit status 0, 2 for bad usage, 1 when the call
 * fails (the status code and description printed, never the token). A command-line tool.
 */
public final class HubClient {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final long DEADLINE_SECONDS = 120;

    private HubClient() {
    }

    /**
     * @param args as above
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        String token = option(rest, "--token");
        String sub = option(rest, "--sub");
        if (rest.size() < 2 || rest.get(0).lastIndexOf(':') < 1) {
            err.println("usage: [--token T | --sub NAME] HOST:PORT health | whoami | work MS | run-task TASK_ID STEPS STEP_MS [FROM]");
            return 2;
        }
        String target = rest.get(0);
        String command = rest.get(1);
        List<String> params = rest.subList(2, rest.size());
        int colon = target.lastIndexOf(':');
        ManagedChannel channel = NettyChannelBuilder.forAddress(target.substring(0, colon).replace("[", "").replace("]", ""),
                Integer.parseInt(target.substring(colon + 1))).usePlaintext().build();
        try {
            if (command.equals("health")) {
                out.println(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus());
                return 0;
            }
            if (token == null) {
                token = devToken(sub == null ? "alice" : sub, err);
                if (token == null) {
                    return 2;
                }
            }
            return call(authorized(channel, token), command, params, out, err);
        } catch (StatusRuntimeException e) {
            err.println(e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()));
            return 1;
        } catch (NumberFormatException e) {
            err.println(command + ": numbers expected, got " + params);
            return 2;
        } finally {
            channel.shutdownNow();
        }
    }

    private static int call(Channel channel, String command, List<String> params, PrintStream out, PrintStream err) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        switch (command) {
            case "whoami": {
                WhoamiResponse me = ClientCalls.blockingUnaryCall(channel, TaskHubApi.WHOAMI, options, WhoamiRequest.getDefaultInstance());
                out.println("sub=" + me.getSub() + " iss=" + me.getIss() + " aud=" + me.getAudList() + " exp=" + me.getExp());
                return 0;
            }
            case "work":
                if (params.size() != 1) {
                    break;
                }
                out.println("worked_ms=" + ClientCalls.blockingUnaryCall(channel, TaskHubApi.WORK, options,
                        WorkRequest.newBuilder().setMs(Integer.parseInt(params.get(0))).build()).getWorkedMs());
                return 0;
            case "run-task": {
                if (params.size() < 3 || params.size() > 4) {
                    break;
                }
                RunTaskRequest request = RunTaskRequest.newBuilder().setTaskId(params.get(0))
                        .setSteps(Integer.parseInt(params.get(1))).setStepMs(Integer.parseInt(params.get(2)))
                        .setResumeFrom(params.size() == 4 ? Integer.parseInt(params.get(3)) : 0).build();
                Iterator<TaskEvent> events = ClientCalls.blockingServerStreamingCall(channel, TaskHubApi.RUN_TASK, options, request);
                while (events.hasNext()) {
                    TaskEvent e = events.next();
                    out.println(e.getKind() + " " + e.getTaskId() + " " + e.getStep());
                }
                return 0;
            }
            default:
                break;
        }
        err.println("unknown command or arguments: " + command + " " + params);
        return 2;
    }

    private static Channel authorized(Channel channel, String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /**
     * @return a token from the dev issuer key of a dev service started in this directory, or null
     *     (explained on {@code err}) when there is none
     */
    private static String devToken(String subject, PrintStream err) {
        Path key = DevSecretStore.DEFAULT_DIRECTORY.resolve(DevIssuer.KEY_NAME);
        if (!Files.isRegularFile(key)) {
            err.println("no token: pass --token, or run from the working directory of a service started with APP_ENV=dev ("
                    + key + " not found)");
            return null;
        }
        DevIssuer issuer = DevIssuer.create(DevSecretStore.forEnvironment(AppEnvironment.DEV, DevSecretStore.DEFAULT_DIRECTORY),
                GrpcService.DEV_AUDIENCE, TimeSource.system());
        return issuer.mint(subject, Duration.ofMinutes(10));
    }

    /**
     * Removes {@code name VALUE} from {@code args}.
     *
     * @return the value, or null if absent
     */
    private static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0 || i + 1 >= args.size()) {
            return null;
        }
        String value = args.get(i + 1);
        args.subList(i, i + 2).clear();
        return value;
    }
}
