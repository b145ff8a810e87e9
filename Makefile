# The two commands of the README: `make run` and `make test`. Everything else is a helper.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=
ifeq ($(CI),true)
  CMAKE_FLAGS += -DVIGIL_WERROR=ON
endif

.PHONY: run test bootstrap bootstrap-test build build-asan unit-test asan-test bench clean

# Install, build, and run the main job on the bundled demo project.
run: bootstrap build
	./scripts/run-demo.sh $(BUILD)

# Install, build, and run every test: the normal build (all labels) and an ASan+UBSan build.
test: bootstrap-test build build-asan
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 600
	cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900 -LE gui

bootstrap:
	./packaging/bootstrap.sh

bootstrap-test:
	./packaging/bootstrap.sh --test

build:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

build-asan:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=ON \
	  -DVIGIL_BUILD_GUI=OFF -DVIGIL_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j$(JOBS)

bench: bootstrap-test build
	./scripts/run-bench.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
