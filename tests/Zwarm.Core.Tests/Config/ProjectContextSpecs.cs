using AwesomeAssertions;
using Zwarm.Core.Config;

namespace Zwarm.Core.Tests.Config;

/// <summary>zwarm.yaml: the project's description, context and constraints.</summary>
public sealed class ProjectContextSpecs
{
    [Fact]
    public void A_python_written_zwarm_yaml_reads_and_becomes_a_prompt_section()
    {
        var c = ProjectContext.Parse("""
            # zwarm project configuration
            description: "Billing service"

            context: |
              FastAPI backend in src/api/
              Run tests with: pytest -q

            constraints:
              - "Never modify migration files directly"
              - All new endpoints need tests

            watchers:
              - progress
            """, "zwarm.yaml");

        c.Description.Should().Be("Billing service");
        c.Context.Should().Be("FastAPI backend in src/api/\nRun tests with: pytest -q");
        c.Constraints.Should().Equal("Never modify migration files directly", "All new endpoints need tests");
        c.ToPrompt().Should().Be("""
            About this project (from zwarm.yaml, written by the user):
            Billing service

            FastAPI backend in src/api/
            Run tests with: pytest -q

            Constraints every session's task must respect (pass them on when you delegate):
            - Never modify migration files directly
            - All new endpoints need tests
            """.TrimEnd());
    }

    [Fact]
    public void The_template_init_writes_parses_and_is_empty()
    {
        var c = ProjectContext.Parse(ProjectContext.Template, "zwarm.yaml");

        c.IsEmpty.Should().BeTrue();
    }

    [Theory]
    [InlineData(
        "descripton: x\n",
        "zwarm.yaml:1: unknown key 'descripton' (did you mean 'description'?): zwarm.yaml holds description, context and constraints")]
    [InlineData("description: x\ncontext:\n  a: b\n", "zwarm.yaml:2: bad value for 'context': expected text, got a mapping")]
    public void A_bad_key_or_value_is_an_error_naming_file_line_and_key(string text, string error)
    {
        var act = () => ProjectContext.Parse(text, "zwarm.yaml");

        act.Should().Throw<ZwarmException>().Which.Message.Should().Be(error);
    }

    [Fact]
    public async Task No_file_is_no_context()
    {
        using var dir = TestEnv.Temp();

        (await ProjectContext.LoadAsync(dir.Path, TestContext.Current.CancellationToken)).Should().BeNull();
    }
}
