using System.IO.Hashing;
using System.Text;
using MathNet.Numerics.Distributions;
using OpsConductor.ToolCatalog.Experiments;

namespace OpsConductor.ToolCatalog.Tests.Experiments;

/// <summary>
/// Arm assignment: deterministic, balanced within binomial bounds, independent across experiments, minimal moves when the
/// split changes, and free of allocation.
/// </summary>
public sealed class ArmAssignmentTests
{
    private const int Keys = 100_000;
    private static readonly ulong Restart = ArmAssignment.Seed("restart-v2-rollout");
    private static readonly ulong Status = ArmAssignment.Seed("status-cache-trial");

    private static string Key(int i) => $"user-{i}";

    [Test]
    public void The_same_key_always_gets_the_same_arm_and_the_seed_comes_from_the_text()
    {
        Assert.That(ArmAssignment.Seed("restart-v2-rollout"), Is.EqualTo(Restart));
        for (var i = 0; i < 1_000; i++)
        {
            var first = ArmAssignment.Assign(Restart, Key(i), 0.5);
            Assert.That(ArmAssignment.Assign(Restart, Key(i), 0.5), Is.EqualTo(first));
        }

        Assert.That(ArmAssignment.Point(Restart, "alice"), Is.EqualTo(
            (XxHash64.HashToUInt64(Encoding.UTF8.GetBytes("alice"), unchecked((long)Restart)) >> 11) / (double)(1UL << 53)),
            "the point is the documented hash, so other implementations can reproduce an assignment");
    }

    [TestCase(0.5)]
    [TestCase(0.2)]
    [TestCase(0.05)]
    public void Over_a_hundred_thousand_keys_the_arms_are_balanced_within_binomial_bounds(double split)
    {
        var inB = Enumerable.Range(0, Keys).Count(i => ArmAssignment.Assign(Restart, Key(i), split) == ExperimentArm.B);

        var sd = Math.Sqrt(Keys * split * (1 - split));
        Assert.That(Math.Abs(inB - (Keys * split)), Is.LessThan(4 * sd), $"{inB} of {Keys} in B for a split of {split}");
    }

    [Test]
    public void Two_experiments_assign_independently()
    {
        var table = new long[2, 2];
        for (var i = 0; i < Keys; i++)
        {
            table[(int)ArmAssignment.Assign(Restart, Key(i), 0.5), (int)ArmAssignment.Assign(Status, Key(i), 0.5)]++;
        }

        // Pearson's chi-square test of independence on the 2 × 2 table.
        double chi = 0;
        for (var a = 0; a < 2; a++)
        {
            for (var b = 0; b < 2; b++)
            {
                var expected = (double)(table[a, 0] + table[a, 1]) * (table[0, b] + table[1, b]) / Keys;
                chi += (table[a, b] - expected) * (table[a, b] - expected) / expected;
            }
        }

        Assert.That(1 - ChiSquared.CDF(1, chi), Is.GreaterThan(0.001), $"arms of one experiment predict the other's: {table[0, 0]}, {table[0, 1]}, {table[1, 0]}, {table[1, 1]}");
    }

    [Test]
    public void Raising_the_split_moves_only_keys_from_A_to_B_and_only_as_many_as_the_change()
    {
        var movedToB = 0;
        var movedToA = 0;
        for (var i = 0; i < Keys; i++)
        {
            var before = ArmAssignment.Assign(Restart, Key(i), 0.2);
            var after = ArmAssignment.Assign(Restart, Key(i), 0.3);
            movedToB += before == ExperimentArm.A && after == ExperimentArm.B ? 1 : 0;
            movedToA += before == ExperimentArm.B && after == ExperimentArm.A ? 1 : 0;
        }

        Assert.That(movedToA, Is.Zero, "no key in B leaves it when B grows");
        Assert.That(Math.Abs(movedToB - (0.1 * Keys)), Is.LessThan(4 * Math.Sqrt(Keys * 0.1 * 0.9)), "a tenth of the keys move, no more");
    }

    [Test]
    public void Assigning_allocates_nothing_for_ordinary_keys_and_long_keys_hash_the_same_way()
    {
        var keys = Enumerable.Range(0, 1_000).Select(Key).ToArray();
        _ = ArmAssignment.Assign(Restart, keys[0], 0.5);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var inB = 0;
        foreach (var key in keys)
        {
            inB += (int)ArmAssignment.Assign(Restart, key, 0.5);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(inB, Is.InRange(400, 600));

        var longKey = new string('k', 300) + "é";
        Assert.That(ArmAssignment.Point(Restart, longKey), Is.EqualTo(
            (XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(longKey), unchecked((long)Restart)) >> 11) / (double)(1UL << 53)));
    }

    [Test]
    public void A_split_outside_zero_to_one_is_refused_naming_it()
    {
        Assert.That(() => ArmAssignment.Assign(Restart, "k", 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("split"));
        Assert.That(() => ArmAssignment.Assign(Restart, "k", double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(ArmAssignment.Assign(Restart, "k", 0), Is.EqualTo(ExperimentArm.A));
        Assert.That(ArmAssignment.Assign(Restart, "k", 1), Is.EqualTo(ExperimentArm.B));
    }
}
