# e2e-logback: the rendered logback.xml loaded by the real logback
# (Debian's liblogback-java, installed by hack/logback/install.sh), with
# the levels of spec.logging checked on named loggers.
TEST_TARGETS += e2e-logback

.PHONY: e2e-logback

e2e-logback: ## the rendered logback.xml under the real logback
	go test -tags e2e -count=1 ./e2e/logback/...
