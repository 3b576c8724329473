import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Applies the local stack's security plan (SCRAM users and ACLs) in one JVM start, because the
 * Python Kafka client cannot manage SCRAM credentials.
 *
 * <p>Usage: java -cp 'libs/*' KetteAdmin admin.properties plan.tsv
 *
 * <p>Plan lines (tab separated): {@code scram <user> <password>} (SHA-256 and SHA-512) and {@code acl <principal>
 * <resourceType> <name> <patternType> <operation>} and {@code revoke <user>} (its SCRAM
 * credentials and every ACL of {@code User:<user>} are deleted). ACLs of the principals named in
 * the plan that the plan no longer lists are removed, so the plan is the single source of truth.
 */
public final class KetteAdmin {
  private static final int SCRAM_ITERATIONS = 8192;
  private static final ScramMechanism[] MECHANISMS = {
    ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512
  };

  private KetteAdmin() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: KetteAdmin <admin.properties> <plan.tsv>");
      System.exit(2);
    }
    Properties config = new Properties();
    try (FileInputStream in = new FileInputStream(args[0])) {
      config.load(in);
    }
    List<String[]> users = new ArrayList<>();
    List<String> revoked = new ArrayList<>();
    Set<AclBinding> wanted = new HashSet<>();
    Set<String> principals = new HashSet<>();
    for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      switch (f[0]) {
        case "scram" -> users.add(f);
        case "revoke" -> revoked.add(f[1]);
        case "acl" -> {
          principals.add(f[1]);
          wanted.add(new AclBinding(
              new ResourcePattern(ResourceType.fromString(f[2]), f[3], PatternType.fromString(f[4])),
              new AccessControlEntry(f[1], "*", AclOperation.fromString(f[5]),
                  AclPermissionType.ALLOW)));
        }
        default -> fail("unknown plan line kind: " + f[0]);
      }
    }
    try (Admin admin = Admin.create(config)) {
      // Both mechanisms, one request each (a request may alter a user only once):
      // librdkafka clients (kcat, confluent-kafka) are often set up with SHA-256.
      for (ScramMechanism mechanism : MECHANISMS) {
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        for (String[] user : users) {
          upserts.add(new UserScramCredentialUpsertion(
              user[1], new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS), user[2]));
        }
        if (!upserts.isEmpty()) {
          admin.alterUserScramCredentials(upserts).all().get();
        }
      }
      for (String user : revoked) {
        revoke(admin, user);
      }
      Collection<AclBinding> existing = admin.describeAcls(AclBindingFilter.ANY).values().get();
      List<AclBindingFilter> stale = new ArrayList<>();
      for (AclBinding binding : existing) {
        if (principals.contains(binding.entry().principal()) && !wanted.contains(binding)) {
          stale.add(binding.toFilter());
        }
      }
      if (!stale.isEmpty()) {
        admin.deleteAcls(stale).all().get();
      }
      List<AclBinding> missing = new ArrayList<>(wanted);
      missing.removeAll(existing);
      if (!missing.isEmpty()) {
        admin.createAcls(missing).all().get();
      }
      System.out.printf("users=%d revoked=%d acls_created=%d acls_removed=%d%n",
          users.size(), revoked.size(), missing.size(), stale.size());
    } catch (ExecutionException e) {
      fail(e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
    }
  }

  /** Deletes a user's credentials (both mechanisms) and ACLs; a user already gone is fine. */
  private static void revoke(Admin admin, String user)
      throws InterruptedException, ExecutionException {
    for (ScramMechanism mechanism : MECHANISMS) {
      try {
        admin.alterUserScramCredentials(
            List.of(new UserScramCredentialDeletion(user, mechanism))).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof ResourceNotFoundException)) {
          throw e;
        }
      }
    }
    AccessControlEntryFilter entries = new AccessControlEntryFilter(
        "User:" + user, null, AclOperation.ANY, AclPermissionType.ANY);
    admin.deleteAcls(List.of(new AclBindingFilter(ResourcePatternFilter.ANY, entries))).all().get();
  }

  private static void fail(String message) {
    System.err.println(message);
    System.exit(1);
  }
}
